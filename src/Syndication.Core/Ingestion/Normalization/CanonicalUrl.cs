using System.Collections.Frozen;
using System.Text;

namespace Syndication.Core.Ingestion.Normalization;

/// <summary>
/// The one spelling of a story's link we keep and compare: the same story reached from a newsletter,
/// a social post or an RSS feed must give the same URL, so campaign and click-tracking parameters go.
/// </summary>
public static class CanonicalUrl
{
    // Parameters that identify the campaign or the click, never the page. Only names that no site
    // uses for content: a generic name such as "ref", "source" or "partner" may select the page.
    private static readonly FrozenSet<string> TrackingParameters = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        // Ad and social click ids
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
        "igshid", "igsh", "rb_clickid", "s_cid",
        // Analytics cookies carried across domains
        "_ga", "_gl",
        // Newsletters (Mailchimp, Marketo, HubSpot, Vero, Olytics)
        "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "vero_id", "vero_conv",
        "oly_anon_id", "oly_enc_id",
        // Publishers' own campaign tags: Twitter share links, NYT, BBC/AT Internet, comScore, Webtrekk (heise),
        // XiTi (Le Monde), Daily Mail, Reuters RSS, MSN, Yahoo
        "ref_src", "ref_url", "smid", "smtyp", "at_medium", "at_campaign", "ns_mchannel", "ns_campaign", "ns_source",
        "ns_linkname", "ns_fee", "wt_mc", "wt_zmc", "xtor", "ito", "cmpid", "feedtype", "feedname", "ocid", "ncid");

    // Families of campaign parameters: Google's utm_*, Matomo's pk_*/mtm_*, HubSpot ads' hsa_*.
    private static readonly string[] TrackingPrefixes = ["utm_", "pk_", "mtm_", "hsa_"];

    /// <summary>
    /// The canonical form of an http(s) URL: scheme and host in lowercase (the host in its ASCII
    /// form), no default port, no credentials, no fragment, no tracking parameters; the other query
    /// parameters kept as they were written and in their order. Null for anything else.
    /// </summary>
    public static string? Normalize(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.IdnHost.Length == 0)
        {
            return null;
        }

        var canonical = new StringBuilder(url.Length);
        canonical.Append(uri.Scheme).Append("://").Append(HostOf(uri));
        if (!uri.IsDefaultPort)
        {
            canonical.Append(':').Append(uri.Port);
        }

        canonical.Append(uri.AbsolutePath);
        var separator = '?';
        foreach (var parameter in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IsTracking(parameter))
            {
                canonical.Append(separator).Append(parameter);
                separator = '&';
            }
        }

        return canonical.ToString();
    }

    /// <summary>Whether a query parameter (<c>name=value</c>) only tracks the campaign or the click.</summary>
    public static bool IsTracking(string parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var equals = parameter.IndexOf('=', StringComparison.Ordinal);
        var name = Uri.UnescapeDataString(equals < 0 ? parameter : parameter[..equals]).Trim();
        return TrackingParameters.Contains(name)
            || TrackingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
    }

    // IdnHost drops the brackets of an IPv6 literal, which the URL needs back.
    private static string HostOf(Uri uri) =>
        uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
}
