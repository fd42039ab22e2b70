using System.Globalization;
using System.Text;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Renderers;
using Markdig.Syntax;
using Syndication.Core.Articles;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Syndication.Core.Ingestion;

/// <summary>
/// Reads Markdown with YAML front matter, as editors write it: the front matter names the story
/// (uri, headline, byline, editions, sectors, section, dates), the rest is the body.
/// </summary>
public static class MarkdownReader
{
    // Markdig's advanced extensions but heading identifiers: making each heading's id unique
    // costs time quadratic in the number of headings, and the sanitizer drops ids anyway.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UseAlertBlocks()
        .UseAbbreviations()
        .UseCitations()
        .UseCustomContainers()
        .UseDefinitionLists()
        .UseEmphasisExtras()
        .UseFigures()
        .UseFooters()
        .UseFootnotes()
        .UseGridTables()
        .UseMathematics()
        .UseMediaLinks()
        .UsePipeTables()
        .UseListExtras()
        .UseTaskLists()
        .UseDiagrams()
        .UseAutoLinks()
        .UseGenericAttributes()
        .Build();

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public static ArticleDraft Read(ReadOnlySpan<byte> utf8, string fileName)
    {
        var text = Encoding.UTF8.GetString(utf8);
        MarkdownLimits.Check(text);
        var document = WithinDepth(() => Markdown.Parse(text, Pipeline));
        var block = document.Descendants<YamlFrontMatterBlock>().FirstOrDefault()
            ?? throw new RejectedInputException("The Markdown file has no YAML front matter (a block between '---' lines at the top).", 1, 1);

        var yaml = text.Substring(block.Span.Start, block.Span.Length).Trim().Trim('-');
        FrontMatter matter;
        try
        {
            CheckYaml(yaml, block.Line);
            matter = Yaml.Deserialize<FrontMatter?>(yaml) ?? new FrontMatter();
        }
        catch (YamlException ex)
        {
            // The front matter starts on line 2 of the file (after the opening '---').
            throw new RejectedInputException(
                $"The front matter is not valid YAML: {YamlReason(ex)}",
                ex.Start.Line + block.Line,
                ex.Start.Column,
                ex);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            // YamlDotNet's other words for YAML it cannot read (a global tag that is not a URI, found
            // by structured fuzzing; a stream in a state it did not expect): the file's fault too.
            throw new RejectedInputException($"The front matter is not valid YAML: {ex.Message}", block.Line + 1, 1, ex);
        }

        var headline = Required(matter.Headline, "headline");
        var sourceKey = matter.Uri ?? matter.Url
            ?? throw new RejectedInputException("The front matter has no 'uri' (or 'url'), so the story cannot be identified or updated later.");

        // The body is everything after the front matter.
        var body = text[(block.Span.End + 1)..];
        var html = WithinDepth(() => ToHtml(body)).Trim();
        if (html.Length == 0)
        {
            throw new RejectedInputException("The Markdown file has front matter but no body.");
        }

        return new ArticleDraft
        {
            SourceKey = sourceKey,
            Headline = headline,
            Summary = matter.Summary,
            BodyHtml = html,
            Byline = matter.Byline,
            Language = matter.Language,
            Created = Instant(matter.Created, "created"),
            Updated = Instant(matter.Updated, "updated"),
            Editions = matter.Editions ?? [],
            Sectors = matter.Sectors ?? [],
            Section = Section(matter.Section),
            Images = matter.Image is { Url: { } imageUrl } image && Uri.TryCreate(imageUrl, UriKind.Absolute, out var url)
                ? [new ArticleImage(url, image.Alt, image.Width, image.Height, image.Credit)]
                : [],
            Attribution = matter.Attribution,
            SourceUrl = matter.Url,
            Genres = matter.Section is { } genre ? [genre] : [],
            Status = Status(matter.Pubstatus),
            Embargoed = Instant(matter.Embargoed, "embargoed"),
            Urgency = matter.Urgency switch
            {
                null => null,
                >= 1 and <= 9 => matter.Urgency,
                _ => throw new RejectedInputException($"The front matter's 'urgency' must be 1 (most urgent) to 9, not {matter.Urgency}; 1 or 2 sends a breaking-news alert."),
            },
            Correction = string.IsNullOrWhiteSpace(matter.Correction) ? null : HtmlText.ToPlainText(matter.Correction),
        };
    }

    /// <summary>
    /// The body as HTML, through a renderer of its own. <c>Markdown.ToHtml</c> rents a renderer from
    /// the pipeline's pool, and one given back after an exception in the middle of a tight list (a
    /// hostile file's depth) keeps its <c>ImplicitParagraph</c> switched on: every later file then
    /// lost its paragraphs' <c>&lt;p&gt;</c> tags. A fresh renderer cannot inherit another file's state.
    /// </summary>
    private static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>
    /// Markdig's own depth limit is an <see cref="ArgumentException"/> (and a stack too shallow for
    /// the nesting another): both are this file's fault, so they are its rejection.
    /// </summary>
    private static T WithinDepth<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception ex) when (ex is ArgumentException or InsufficientExecutionStackException)
        {
            throw new RejectedInputException($"The Markdown is nested deeper than the parser's limit: {ex.Message}", inner: ex);
        }
    }

    /// <summary>
    /// Walks the front matter's events once, before anything is built from them, and refuses it past
    /// <see cref="MarkdownLimits.MaxFrontMatterLength"/>, <see cref="MarkdownLimits.MaxYamlDepth"/> or
    /// <see cref="MarkdownLimits.MaxYamlAliases"/>.
    /// </summary>
    private static void CheckYaml(string yaml, int firstLine)
    {
        if (yaml.Length > MarkdownLimits.MaxFrontMatterLength)
        {
            throw new RejectedInputException(
                $"The front matter is {yaml.Length:N0} characters, over the limit of {MarkdownLimits.MaxFrontMatterLength:N0}.", firstLine + 1, 1);
        }

        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        var aliases = 0;
        while (MoveNext(parser))
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart when ++depth > MarkdownLimits.MaxYamlDepth:
                    throw new RejectedInputException(
                        $"The front matter nests collections deeper than the limit of {MarkdownLimits.MaxYamlDepth}.", parser.Current.Start.Line + firstLine, parser.Current.Start.Column);
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
                case YamlDotNet.Core.Events.AnchorAlias when ++aliases > MarkdownLimits.MaxYamlAliases:
                    throw new RejectedInputException(
                        $"The front matter has more than {MarkdownLimits.MaxYamlAliases} aliases, the limit.", parser.Current.Start.Line + firstLine, parser.Current.Start.Column);
            }
        }
    }

    /// <summary>
    /// The next event; at YAML the parser cannot go on with, false, so the deserializer that reads
    /// the same text next reports it as YamlDotNet words it (a <see cref="YamlException"/> with its position).
    /// </summary>
    private static bool MoveNext(Parser parser)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>YamlDotNet's message without its "(Line: 6, Col: 12, Idx: 80) - (...): " prefix; the position is reported apart.</summary>
    private static string YamlReason(YamlException ex)
    {
        var message = ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 ? message[(cut + 3)..] : message;
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new RejectedInputException($"The front matter has no '{name}'.")
            : value.Trim();

    private static SectionType? Section(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Enum.TryParse<SectionType>(value.Trim(), ignoreCase: true, out var section)
            ? section
            : throw new RejectedInputException(
                $"Unknown section '{value}'; use one of {string.Join(", ", Enum.GetNames<SectionType>())}.");
    }

    /// <summary><c>pubstatus:</c> as in ninjs: <c>usable</c> (the default), <c>withheld</c> or <c>canceled</c> (a kill).</summary>
    private static PublicationStatus Status(string? value) =>
        value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "usable" => PublicationStatus.Usable,
            "withheld" => PublicationStatus.Withheld,
            "canceled" or "cancelled" => PublicationStatus.Canceled,
            _ => throw new RejectedInputException($"Unknown pubstatus '{value}'; use usable, withheld or canceled."),
        };

    private static DateTimeOffset? Instant(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : throw new RejectedInputException($"'{name}' is not an ISO 8601 date-time: '{value}'.");
    }

    private sealed class FrontMatter
    {
        public string? Uri { get; set; }

        public string? Url { get; set; }

        public string? Headline { get; set; }

        public string? Summary { get; set; }

        public string? Byline { get; set; }

        public string? Attribution { get; set; }

        public List<string>? Editions { get; set; }

        public List<string>? Sectors { get; set; }

        public string? Section { get; set; }

        public string? Language { get; set; }

        public string? Created { get; set; }

        public string? Updated { get; set; }

        public FrontMatterImage? Image { get; set; }

        /// <summary>Not public before this instant: how an editor schedules a story.</summary>
        public string? Embargoed { get; set; }

        /// <summary>The correction this version makes, shown to readers at the top of the story in every feed.</summary>
        public string? Correction { get; set; }

        /// <summary>1 (most urgent) to 9, as ninjs: 1 or 2 flags breaking news, alerted at once.</summary>
        public int? Urgency { get; set; }

        /// <summary><c>withheld</c> or <c>canceled</c> kills the story in every output.</summary>
        public string? Pubstatus { get; set; }
    }

    private sealed class FrontMatterImage
    {
        public string? Url { get; set; }

        public string? Alt { get; set; }

        public string? Credit { get; set; }

        public int? Width { get; set; }

        public int? Height { get; set; }
    }
}
