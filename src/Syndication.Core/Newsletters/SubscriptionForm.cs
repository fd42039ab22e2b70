using Syndication.Core.Catalog;

namespace Syndication.Core.Newsletters;

/// <summary>A posted subscribe or preferences form, checked: the choices, and what is wrong with it.</summary>
public sealed record SubscriptionFormResult(EmailAddress? Email, SubscriptionChoices Choices, IReadOnlyList<FormError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Reads the fields of the forms of <see cref="NewsletterPages"/> (<c>email</c>, <c>edition</c>, <c>sectors</c>, <c>cadence</c>, <c>alerts</c>).</summary>
public static class SubscriptionForm
{
    /// <param name="fields">Form fields by name; <c>sectors</c> may repeat.</param>
    /// <param name="requireEmail">True for the subscribe form, false for preferences (the token says who).</param>
    public static SubscriptionFormResult Read(IReadOnlyDictionary<string, IReadOnlyList<string>> fields, PublicationCatalog catalog, bool requireEmail)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new List<FormError>();

        EmailAddress? email = null;
        if (requireEmail && !EmailAddress.TryParse(First("email"), out email))
        {
            errors.Add(new FormError("email", EmailAddress.Problem));
        }

        var edition = catalog.FindEdition(First("edition") ?? "");
        if (edition is null)
        {
            errors.Add(new FormError("edition", "Choose an edition."));
        }

        var sectorValues = fields.TryGetValue("sectors", out var values) ? values : [];
        var sectors = new List<string>();
        foreach (var value in sectorValues.Take(catalog.Sectors.Count + 1))
        {
            if (catalog.FindSector(value ?? "") is { } sector)
            {
                if (!sectors.Contains(sector.Id))
                {
                    sectors.Add(sector.Id);
                }
            }
            else
            {
                errors.Add(new FormError("sectors", "Choose sectors from the list."));
                break;
            }
        }

        var cadence = First("cadence")?.Trim().ToLowerInvariant() switch
        {
            null or "" or "daily" => NewsletterCadence.Daily,
            "weekly" => NewsletterCadence.Weekly,
            _ => (NewsletterCadence?)null,
        };
        if (cadence is null)
        {
            errors.Add(new FormError("cadence", "Choose how often you want the newsletter."));
        }

        return new SubscriptionFormResult(
            email,
            new SubscriptionChoices(edition?.Id ?? "", sectors, cadence ?? NewsletterCadence.Daily, First("alerts")?.Trim().ToLowerInvariant() is "yes" or "on" or "true"),
            errors);

        string? First(string name) => fields.TryGetValue(name, out var list) && list.Count > 0 ? list[0] : null;
    }
}
