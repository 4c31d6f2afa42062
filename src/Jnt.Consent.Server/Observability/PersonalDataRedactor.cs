using System.Diagnostics;
using OpenTelemetry;

namespace Jnt.Consent.Server.Observability;

/// <summary>
/// Removes from every span, before it is exported, the attributes that can carry personal data or
/// customer ids: request paths (/v1/customers/{customer_id}) and query strings, and every *_id or
/// *.id attribute, which is how Orleans names grain ids (a customer grain's id is the customer id). The route template (http.route) and the grain
/// interface and method stay, which is what a trace is read for.
/// </summary>
public sealed class PersonalDataRedactor : BaseProcessor<Activity>
{
    private static readonly string[] Removed = ["url.query", "url.full"];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        // Every identifier attribute goes (orleans.rpc.target_id, orleans.rpc.source_id,
        // orleans.grain.id, ...): grain ids are customer ids or contact point keys.
        var identifiers = data.TagObjects.Select(t => t.Key).Where(k => k.EndsWith("_id", StringComparison.Ordinal) || k.EndsWith(".id", StringComparison.Ordinal)).ToList();
        foreach (var key in Removed.Concat(identifiers))
        {
            if (data.GetTagItem(key) is not null)
            {
                data.SetTag(key, null);
            }
        }
        if (data.GetTagItem("url.path") is not null)
        {
            data.SetTag("url.path", data.GetTagItem("http.route") as string ?? "(redacted)");
        }
    }
}
