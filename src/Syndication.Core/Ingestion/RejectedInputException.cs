namespace Syndication.Core.Ingestion;

/// <summary>
/// The input cannot become an article. The message is the reason a person reads in
/// <c>rejected/*.error.json</c> and in the CLI; line and column point into the file where known.
/// </summary>
public sealed class RejectedInputException : Exception
{
    public RejectedInputException(string reason, long? line = null, long? column = null, Exception? inner = null)
        : base(reason, inner)
    {
        Line = line;
        Column = column;
    }

    public RejectedInputException()
    {
    }

    public RejectedInputException(string message)
        : base(message)
    {
    }

    public RejectedInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public long? Line { get; }

    public long? Column { get; }
}
