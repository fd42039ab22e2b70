namespace Syndication.Cli;

/// <summary>A failure of the tool or of its arguments, said plainly.</summary>
public sealed class CommandException(string message) : Exception(message)
{
    public CommandException()
        : this("The command failed.")
    {
    }

    public CommandException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}
