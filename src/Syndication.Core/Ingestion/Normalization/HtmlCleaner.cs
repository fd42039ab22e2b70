using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Syndication.Core.Ingestion.Normalization;

/// <summary>
/// Makes a source's article body safe and fit to embed in our pages: no scripts or event handlers,
/// no <c>javascript:</c> or <c>data:</c> URLs, no forms, no embeds but video players from an
/// allow-list of hosts, no tracking pixels, no styles that lift content out of the article's box;
/// relative URLs are made absolute against the item's own link.
/// </summary>
/// <remarks>
/// Built on HtmlSanitizer (and so AngleSharp's HTML5 parser, which sees markup as a browser does),
/// configured once per instance: the sanitizer is thread-safe as long as nobody changes its
/// settings, and building one per item on the ingest path would cost more than the cleaning.
/// </remarks>
public sealed class HtmlCleaner
{
    /// <summary>Video players whose embeds are kept: the ones newsrooms actually embed.</summary>
    public static IReadOnlyList<string> DefaultIframeHosts { get; } = ["www.youtube.com", "www.youtube-nocookie.com", "player.vimeo.com"];

    // Interactive and form elements have no place in a syndicated story and are phishing material
    // on our domain (a fake login form looks like ours).
    private static readonly string[] RemovedTags =
    [
        "form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend",
        "datalist", "output", "keygen", "menuitem", "meter", "progress",
    ];

    private static readonly string[] AddedTags = ["iframe", "picture", "source"];

    private static readonly string[] RemovedAttributes =
    [
        "action", "method", "enctype", "accept", "accept-charset", "autocomplete", "novalidate", "contenteditable",
        "draggable", "dropzone", "accesskey", "tabindex",
    ];

    private static readonly string[] AddedAttributes = ["srcset", "sizes", "allowfullscreen", "frameborder", "loading"];

    // The body is shown inside our page layout: positioned, floated or transformed content can
    // cover the site's own navigation or fake parts of it, so only in-flow styling is kept.
    private static readonly string[] RemovedCssProperties =
    [
        "position", "z-index", "top", "right", "bottom", "left", "float",
        "transform", "transform-origin", "transform-style", "perspective", "perspective-origin", "all",
    ];

    // Image URLs whose only job is to count readers (or, for FeedBurner's ~ff, to show share counters):
    // nothing worth keeping whatever size they claim.
    private static readonly string[] TrackingImageUrls =
    [
        "//pixel.wp.com/", "//stats.wordpress.com/", "//feeds.feedburner.com/~r/", "//feeds.feedburner.com/~ff/",
        "//medium.com/_/stat", "//pixel.quantserve.com/", "//b.scorecardresearch.com/", "//sb.scorecardresearch.com/",
        "//www.google-analytics.com/", "//www.facebook.com/tr", "//pixel.mathtag.com/", "//ad.doubleclick.net/",
    ];

    private static readonly HtmlParser TextParser = new();

    private static readonly FrozenSet<string> InlineElements = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
        "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr");

    private static readonly FrozenSet<string> InvisibleElements = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg", "math");

    /// <summary>The cleaner with the default iframe hosts, shared by everything that needs no other.</summary>
    /// <remarks>Declared after the tables its constructor reads: static fields initialise in text order.</remarks>
    public static HtmlCleaner Default { get; } = new(DefaultIframeHosts);

    private readonly HtmlSanitizer _sanitizer;
    private readonly FrozenSet<string> _iframeHosts;

    /// <param name="iframeHosts">Hosts whose iframes are kept (exact names, e.g. <c>www.youtube.com</c>); every other iframe is dropped.</param>
    public HtmlCleaner(IEnumerable<string> iframeHosts)
    {
        ArgumentNullException.ThrowIfNull(iframeHosts);
        _iframeHosts = iframeHosts.Select(h => h.Trim().TrimEnd('.')).Where(h => h.Length > 0).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _sanitizer = new HtmlSanitizer();
        foreach (var tag in RemovedTags)
        {
            _sanitizer.AllowedTags.Remove(tag);
        }

        _sanitizer.AllowedTags.UnionWith(AddedTags);
        foreach (var attribute in RemovedAttributes)
        {
            _sanitizer.AllowedAttributes.Remove(attribute);
        }

        _sanitizer.AllowedAttributes.UnionWith(AddedAttributes);
        foreach (var property in RemovedCssProperties)
        {
            _sanitizer.AllowedCssProperties.Remove(property);
        }

        _sanitizer.AllowedSchemes.Add("mailto");
        _sanitizer.PostProcessDom += (_, e) => RemoveUnwanted(e.Document);
    }

    /// <summary>For settings: the shared default when <paramref name="iframeHosts"/> is null, otherwise a cleaner of its own.</summary>
    public static HtmlCleaner For(IEnumerable<string>? iframeHosts) => iframeHosts is null ? Default : new HtmlCleaner(iframeHosts);

    public IReadOnlyCollection<string> IframeHosts => _iframeHosts;

    /// <summary>
    /// The body, cleaned. Relative <c>href</c>, <c>src</c> and <c>srcset</c> URLs are resolved against
    /// <paramref name="baseUrl"/> (the item's link); without one they are left relative.
    /// </summary>
    /// <exception cref="RejectedInputException">Past one of <see cref="HtmlLimits"/>.</exception>
    public string Clean(string html, Uri? baseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(html);
        HtmlLimits.Check(html, "The body");
        var resolveAgainst = baseUrl is { IsAbsoluteUri: true } && (baseUrl.Scheme == Uri.UriSchemeHttp || baseUrl.Scheme == Uri.UriSchemeHttps)
            ? baseUrl.AbsoluteUri
            : "";
        return _sanitizer.Sanitize(html, resolveAgainst).Trim();
    }

    /// <summary>
    /// The text a reader sees in an HTML fragment, on one line: entities decoded, scripts and styles
    /// left out, words of adjacent blocks (paragraphs, list items, cells, <c>br</c>) kept apart and
    /// inline markup (<c>w&lt;b&gt;or&lt;/b&gt;d</c>) not splitting words, white space folded.
    /// </summary>
    public static string ToPlainText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (html.AsSpan().IndexOfAny('<', '&') < 0)
        {
            return FoldWhiteSpace(html);
        }

        HtmlLimits.Check(html, "The text");

        // AngleSharp's parser keeps no state between documents, so one instance serves every thread.
        using var document = TextParser.ParseDocument(html);
        if (document.Body is not { } body)
        {
            return "";
        }

        var text = new StringBuilder(html.Length);

        // Walked with a stack of child lists, not recursion (untrusted input may nest deeper than the
        // call stack allows) and not NextSibling (AngleSharp finds a sibling by searching the parent's
        // children, which makes a walk over a long flat list quadratic).
        var pending = new Stack<(INodeList Nodes, int Next, bool Block)>();
        pending.Push((body.ChildNodes, 0, false));
        while (pending.TryPop(out var level))
        {
            if (level.Next >= level.Nodes.Length)
            {
                if (level.Block)
                {
                    text.Append(' ');
                }

                continue;
            }

            pending.Push(level with { Next = level.Next + 1 });
            switch (level.Nodes[level.Next])
            {
                case IText textNode:
                    text.Append(textNode.Data);
                    break;
                case IElement element when !InvisibleElements.Contains(element.LocalName):
                    var block = !InlineElements.Contains(element.LocalName);
                    if (block)
                    {
                        text.Append(' ');
                    }

                    pending.Push((element.ChildNodes, 0, block));
                    break;
                default:
                    break;
            }
        }

        return FoldWhiteSpace(text.ToString());
    }

    private void RemoveUnwanted(IDocument document)
    {
        foreach (var image in document.QuerySelectorAll("img").ToList())
        {
            if (image.GetAttribute("src") is not { Length: > 0 } src || IsTrackingPixel(image, src))
            {
                RemoveWithEmptyWrappers(image);
            }
        }

        foreach (var frame in document.QuerySelectorAll("iframe").ToList())
        {
            if (AllowedFrameSource(frame.GetAttribute("src")) is { } src)
            {
                frame.SetAttribute("src", src);
            }
            else
            {
                frame.Remove();
            }
        }
    }

    /// <summary>The iframe's source upgraded to https when its host is allowed; null when it is not.</summary>
    private string? AllowedFrameSource(string? src)
    {
        if (src is null || !Uri.TryCreate(src, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || !_iframeHosts.Contains(url.IdnHost))
        {
            return null;
        }

        // The players serve https, and an http frame on our https pages would be blocked as mixed content.
        return new UriBuilder(url) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri.AbsoluteUri;
    }

    private static bool IsTrackingPixel(IElement image, string src)
    {
        if (TrackingImageUrls.Any(pattern => src.Contains(pattern, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var width = Pixels(image.GetAttribute("width")) ?? StylePixels(image, "width");
        var height = Pixels(image.GetAttribute("height")) ?? StylePixels(image, "height");
        return width is <= 1 && height is <= 1;
    }

    private static int? StylePixels(IElement image, string property)
    {
        var style = image.GetAttribute("style");
        if (string.IsNullOrEmpty(style))
        {
            return null;
        }

        foreach (var declaration in style.Split(';'))
        {
            var colon = declaration.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && declaration[..colon].Trim().Equals(property, StringComparison.OrdinalIgnoreCase))
            {
                return Pixels(declaration[(colon + 1)..]);
            }
        }

        return null;
    }

    /// <summary>A length in whole pixels (<c>1</c>, <c>1px</c>, <c>0.5px</c>); null for anything else, percentages included.</summary>
    private static int? Pixels(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var span = value.AsSpan().Trim();
        if (span.EndsWith("px", StringComparison.OrdinalIgnoreCase))
        {
            span = span[..^2].TrimEnd();
        }

        return double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var pixels)
            && pixels >= 0 && pixels < int.MaxValue
            ? (int)Math.Ceiling(pixels)
            : null;
    }

    /// <summary>
    /// Removes the image, and the wrappers it leaves showing nothing: the link around a pixel, or
    /// FeedBurner's "feedflare" block of share-button images (its class is gone by now, its emptiness is not).
    /// </summary>
    private static void RemoveWithEmptyWrappers(IElement image)
    {
        var parent = image.ParentElement;
        image.Remove();
        while (parent is { LocalName: "a" or "div" or "span" or "p" or "figure" or "picture" } wrapper
            && wrapper.Children.Length == 0 && string.IsNullOrWhiteSpace(wrapper.TextContent))
        {
            parent = wrapper.ParentElement;
            wrapper.Remove();
        }
    }

    private static string FoldWhiteSpace(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
