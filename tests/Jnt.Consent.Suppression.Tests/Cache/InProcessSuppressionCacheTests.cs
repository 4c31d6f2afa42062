using Jnt.Consent.Suppression.Cache;

namespace Jnt.Consent.Suppression.Tests.Cache;

/// <summary>The contract against the embedded profile's cache.</summary>
public sealed class InProcessSuppressionCacheTests : SuppressionCacheContract
{
    protected override Task<ISuppressionCache> CreateCacheAsync() => Task.FromResult<ISuppressionCache>(new InProcessSuppressionCache());
}
