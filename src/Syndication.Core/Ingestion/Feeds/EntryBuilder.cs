namespace Syndication.Core.Ingestion.Feeds;

/// <summary>Collects one entry's fields as a forward-only reader meets them.</summary>
internal sealed class EntryBuilder
{
    private List<string>? _authors;
    private List<string>? _categories;
    private List<FeedImage>? _images;

    public string? Id { get; set; }

    public string? Title { get; set; }

    public string? Link { get; set; }

    public string? Summary { get; set; }

    public string? Content { get; set; }

    public DateTimeOffset? Published { get; set; }

    public DateTimeOffset? Updated { get; set; }

    public void AddAuthor(string? name)
    {
        if (!string.IsNullOrWhiteSpace(name) && !(_authors ??= []).Contains(name))
        {
            _authors.Add(name);
        }
    }

    public void AddCategory(string? term)
    {
        var trimmed = term?.Trim();
        if (!string.IsNullOrEmpty(trimmed))
        {
            (_categories ??= []).Add(trimmed);
        }
    }

    public void AddImage(string url, string? alt, int? width, int? height, string? credit, bool thumbnail)
    {
        url = url.Trim();
        if (url.Length > 0)
        {
            (_images ??= []).Add(new FeedImage(url, alt, width, height, credit, thumbnail));
        }
    }

    public ParsedEntry Build()
    {
        var title = Title?.Trim();
        return new ParsedEntry
        {
            Id = Id,
            Title = string.IsNullOrEmpty(title) ? null : title,
            Link = Link,
            SummaryHtml = Summary,
            ContentHtml = Content,
            Author = _authors is null ? null : string.Join(", ", _authors),
            Published = Published,
            Updated = Updated,
            Categories = (IReadOnlyList<string>?)_categories ?? [],
            Images = _images is null ? [] : Pictures(_images),
        };
    }

    /// <summary>Full-size pictures first, thumbnails after; one URL once, in the order the feed gave. Lists are short.</summary>
    private static List<FeedImage> Pictures(List<FeedImage> found)
    {
        var result = new List<FeedImage>(found.Count);
        foreach (var thumbnails in (ReadOnlySpan<bool>)[false, true])
        {
            foreach (var image in found)
            {
                if (image.IsThumbnail == thumbnails && !result.Exists(kept => kept.Url == image.Url))
                {
                    result.Add(image);
                }
            }
        }

        return result;
    }
}
