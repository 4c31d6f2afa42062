namespace Jnt.Consent.Grains.Storage;

/// <summary>
/// Whether anything may have been durably written so far in the current call (a grain call or an
/// API request). "Nothing was recorded" is only said of a failed request when the failure is
/// certain and nothing before it in the same request was written: a request that wrote part of
/// its work (an erasure's suppressions, one of several unsubscribed customers) and then failed
/// has an outcome, not none.
/// </summary>
public static class DurableEffects
{
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>Starts a fresh scope for the call running in this async flow.</summary>
    public static Scope Begin()
    {
        var scope = new Scope();
        Current.Value = scope;
        return scope;
    }

    /// <summary>Notes that something may have been written in the current call (no-op outside one).</summary>
    public static void Mark() => Current.Value?.MarkOccurred();

    /// <summary>One call's record; the flag only ever goes from false to true.</summary>
    public sealed class Scope
    {
        private int occurred;

        public bool Occurred => Volatile.Read(ref occurred) == 1;

        internal void MarkOccurred() => Volatile.Write(ref occurred, 1);
    }
}
