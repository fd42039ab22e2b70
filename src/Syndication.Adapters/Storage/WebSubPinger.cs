namespace Syndication.Adapters.Storage;

/// <summary>
/// Tells a WebSub hub that a feed changed (<c>hub.mode=publish</c>), so subscribed readers fetch it
/// at once instead of at their next poll. A hub that fails is reported, never fatal: readers still poll.
/// </summary>
public sealed class WebSubPinger(HttpClient http)
{
    /// <summary>Pings the hub once for each URL; returns the failures as "url: reason".</summary>
    public async Task<IReadOnlyList<string>> PublishAsync(Uri hub, IEnumerable<Uri> feeds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(feeds);
        var failures = new List<string>();
        foreach (var feed in feeds)
        {
            try
            {
                using var content = new FormUrlEncodedContent([new("hub.mode", "publish"), new("hub.url", feed.AbsoluteUri)]);
                using var response = await http.PostAsync(hub, content, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"{feed}: hub answered {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{feed}: {ex.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{feed}: hub did not answer in time");
            }
        }

        return failures;
    }
}
