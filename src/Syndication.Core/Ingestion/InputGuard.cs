namespace Syndication.Core.Ingestion;

/// <summary>
/// The line between an input's failures and ours. Our own pure code run on one input (reading,
/// normalizing) is wrapped in <see cref="Run{T}"/>: whatever it throws is about that input, not
/// about our infrastructure, so it becomes the input's <see cref="RejectedInputException"/> with a
/// reason, and the caller goes on to the next input. A reader that refuses says why itself; any
/// other exception (a library's own limit, a bug an input found) is reported by its type and
/// message. Only cancellation and running out of memory pass through. Storage and network calls are
/// never inside, so their failures still propagate and retry.
/// </summary>
public static class InputGuard
{
    public static T Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return work();
        }
        catch (Exception ex) when (ex is not (RejectedInputException or OperationCanceledException or OutOfMemoryException))
        {
            throw new RejectedInputException($"It could not be read: {ex.GetType().Name}: {ex.Message}", inner: ex);
        }
    }
}
