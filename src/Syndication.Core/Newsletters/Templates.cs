using System.Globalization;
using Fluid;

namespace Syndication.Core.Newsletters;

/// <summary>
/// The Liquid templates of the newsletter, embedded in this assembly (<c>Newsletters/Templates/*.liquid</c>):
/// they version and deploy with the code that fills them, and reading them is no I/O.
/// Each is parsed once, when first used, and the parsed template is shared by every render.
/// </summary>
internal static class NewsletterTemplates
{
    /// <summary>Thread-safe, and meant to be shared (Fluid's guidance).</summary>
    private static readonly FluidParser Parser = new(new FluidParserOptions { AllowFunctions = false });

    /// <param name="folder">The core's folder whose <c>Templates/</c> holds it: the status page shares this engine and its setup.</param>
    public static IFluidTemplate Parse(string name, string folder = "Newsletters")
    {
        var resource = $"Syndication.Core.{folder}.Templates.{name}";
        using var stream = typeof(NewsletterTemplates).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The template {resource} is not embedded in Syndication.Core.");
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        return Parser.TryParse(source, out var template, out var error)
            ? template
            : throw new InvalidOperationException($"The template {name} does not parse: {error}");
    }

    /// <summary>
    /// Options that let templates read only the view types named here (Fluid's allow-list), with
    /// snake_case member names as Liquid writes them, an invariant culture and a step limit.
    /// </summary>
    public static TemplateOptions Options(params Type[] viewTypes)
    {
        var options = new TemplateOptions
        {
            CultureInfo = CultureInfo.InvariantCulture,
            MaxSteps = 100_000,
        };
        options.MemberAccessStrategy.MemberNameStrategy = MemberNameStrategies.SnakeCase;
        foreach (var type in viewTypes)
        {
            options.MemberAccessStrategy.Register(type);
        }

        return options;
    }
}
