namespace Syndication.Core.Ingestion;

/// <summary>
/// What a Markdown file may hold before Markdig or YamlDotNet is given it. Markdown and YAML allow
/// unbounded structure (containers nested by indentation or '>', emphasis and brackets nested
/// inside a paragraph, tables of any width, YAML nested and aliased), and parsers spend more than
/// linear time on it: Markdig refuses nesting past its own depth only after the work, and spends
/// seconds on a paragraph of thousands of unmatched delimiters. Below these limits the work per
/// character is bounded; past one, the file is rejected with a reason that names it.
/// Measured in <c>docs/security.md</c> (Hostile input), held by <c>ParserScalingTests</c>.
/// </summary>
public static class MarkdownLimits
{
    /// <summary>Characters of the whole file (the normalizer's body limit is the same).</summary>
    public const int MaxLength = 512 * 1024;

    /// <summary>Characters of one line: a paragraph on one line is some thousands.</summary>
    public const int MaxLineLength = 32 * 1024;

    /// <summary>Columns of a line's indentation (a tab counts four): nested lists and code inside them stay far below.</summary>
    public const int MaxIndentation = 128;

    /// <summary>Containers opened on one line ('>' quotes and list markers before its text).</summary>
    public const int MaxContainersPerLine = 16;

    /// <summary>Emphasis delimiters ('*', '_', '~', '=', '^', '+') in one paragraph.</summary>
    public const int MaxDelimitersPerParagraph = 1000;

    /// <summary>Brackets ('[', ']') in one paragraph: links, images, footnotes.</summary>
    public const int MaxBracketsPerParagraph = 1000;

    /// <summary>Cells ('|') on one line of a table.</summary>
    public const int MaxPipesPerLine = 128;

    /// <summary>Characters of the YAML front matter.</summary>
    public const int MaxFrontMatterLength = 64 * 1024;

    /// <summary>Nesting of YAML collections in the front matter (it needs two).</summary>
    public const int MaxYamlDepth = 16;

    /// <summary>YAML aliases in the front matter.</summary>
    public const int MaxYamlAliases = 64;

    /// <summary>Refuses a file past a limit, naming the limit and where it is passed.</summary>
    public static void Check(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new RejectedInputException($"The Markdown file is {text.Length:N0} characters, over the limit of {MaxLength:N0}.");
        }

        var lineNumber = 0;
        var delimiters = 0;
        var brackets = 0;
        var paragraphStart = 1;
        var inFrontMatter = false; // YAML, checked on its own (MarkdownReader)
        foreach (var range in text.AsSpan().Split('\n'))
        {
            lineNumber++;
            var line = text.AsSpan()[range];
            if (line.Length > MaxLineLength)
            {
                throw Refused($"line {lineNumber} is {line.Length:N0} characters, over the limit of {MaxLineLength:N0} per line", lineNumber);
            }

            if (line.TrimEnd('\r').SequenceEqual("---") && (lineNumber == 1 || inFrontMatter))
            {
                inFrontMatter = lineNumber == 1;
                continue;
            }

            if (inFrontMatter)
            {
                continue;
            }

            if (line.IsWhiteSpace())
            {
                delimiters = brackets = 0;
                paragraphStart = lineNumber + 1;
                continue;
            }

            var (indentation, containers) = Prefix(line);
            if (indentation > MaxIndentation)
            {
                throw Refused($"line {lineNumber} is indented {indentation:N0} columns, over the limit of {MaxIndentation} (lists or quotes nested too deep)", lineNumber);
            }

            if (containers > MaxContainersPerLine)
            {
                throw Refused($"line {lineNumber} opens {containers:N0} quotes or lists, over the limit of {MaxContainersPerLine} nested on one line", lineNumber);
            }

            var pipes = 0;
            foreach (var c in line)
            {
                switch (c)
                {
                    case '*' or '_' or '~' or '=' or '^' or '+':
                        delimiters++;
                        break;
                    case '[' or ']':
                        brackets++;
                        break;
                    case '|':
                        pipes++;
                        break;
                }
            }

            if (pipes > MaxPipesPerLine)
            {
                throw Refused($"line {lineNumber} has {pipes:N0} '|' table cells, over the limit of {MaxPipesPerLine}", lineNumber);
            }

            if (delimiters > MaxDelimitersPerParagraph)
            {
                throw Refused($"the paragraph from line {paragraphStart} has over {MaxDelimitersPerParagraph:N0} emphasis delimiters (*, _, ~, =, ^, +), the limit per paragraph", paragraphStart);
            }

            if (brackets > MaxBracketsPerParagraph)
            {
                throw Refused($"the paragraph from line {paragraphStart} has over {MaxBracketsPerParagraph:N0} brackets, the limit per paragraph", paragraphStart);
            }
        }
    }

    private static RejectedInputException Refused(string what, int line) =>
        new($"The Markdown is past a limit: {what}.", line, 1);

    /// <summary>The columns of a line's leading white space (between its containers too), and the containers it opens.</summary>
    private static (int Indentation, int Containers) Prefix(ReadOnlySpan<char> line)
    {
        var columns = 0;
        var containers = 0;
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == ' ')
            {
                columns++;
                i++;
            }
            else if (c == '\t')
            {
                columns += 4;
                i++;
            }
            else if (c == '>')
            {
                containers++;
                i++;
            }
            else if ((c is '-' or '*' or '+') && i + 1 < line.Length && line[i + 1] is ' ' or '\t')
            {
                containers++;
                i++;
            }
            else if (char.IsAsciiDigit(c))
            {
                var j = i;
                while (j < line.Length && j - i < 10 && char.IsAsciiDigit(line[j]))
                {
                    j++;
                }

                if (j < line.Length && line[j] is '.' or ')' && j + 1 < line.Length && line[j + 1] is ' ' or '\t')
                {
                    containers++;
                    i = j + 1;
                }
                else
                {
                    break;
                }
            }
            else
            {
                break;
            }
        }

        return (columns, containers);
    }
}
