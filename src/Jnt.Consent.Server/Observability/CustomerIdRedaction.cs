using System.Text.RegularExpressions;

namespace Jnt.Consent.Server.Observability;

/// <summary>
/// Keeps customer ids out of every log sink. The gateway's own messages never carry them, but
/// Orleans names a grain in its messages and exceptions ("customer/cust:&lt;id&gt;"), and a
/// customer id is a pseudonym of a person. Every registered logger provider is wrapped: a message
/// or exception text that holds a customer grain key is written with the id replaced.
/// </summary>
public static partial class CustomerIdRedaction
{
    private const string Marker = "cust:";
    private const string PathMarker = "/customers/";
    public const string Replacement = "cust:<redacted>";

    /// <summary>Wraps every logger provider registered so far (call after the last one is added).</summary>
    public static IServiceCollection RedactCustomerIdsInLogs(this IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(ILoggerProvider) || descriptor.IsKeyedService || descriptor.ImplementationType == typeof(RedactingLoggerProvider))
            {
                continue;
            }
            services[i] = ServiceDescriptor.Describe(typeof(ILoggerProvider), sp => new RedactingLoggerProvider(Create(sp, descriptor)), descriptor.Lifetime);
        }
        return services;
    }

    /// <summary>The text with every customer grain key's id, and every id in an HTTP/JSON path
    /// (request logging, if an operator turns it on), replaced.</summary>
    public static string Redact(string text)
    {
        if (text.Contains(Marker, StringComparison.Ordinal))
        {
            text = GrainKey().Replace(text, Replacement);
        }
        return text.Contains(PathMarker, StringComparison.Ordinal) ? CustomerPath().Replace(text, "$1<redacted>") : text;
    }

    private static bool Holds(string text) =>
        text.Contains(Marker, StringComparison.Ordinal) || text.Contains(PathMarker, StringComparison.Ordinal);

    private static ILoggerProvider Create(IServiceProvider provider, ServiceDescriptor descriptor) => descriptor switch
    {
        { ImplementationInstance: ILoggerProvider instance } => instance,
        { ImplementationFactory: { } factory } => (ILoggerProvider)factory(provider),
        { ImplementationType: { } type } => (ILoggerProvider)ActivatorUtilities.CreateInstance(provider, type),
        _ => throw new InvalidOperationException("A logger provider registration of an unknown kind."),
    };

    // The id runs to the next character that cannot be part of it in a message.
    [GeneratedRegex(@"cust:[^\s,;'""\]\)\}>]+", RegexOptions.CultureInvariant)]
    private static partial Regex GrainKey();

    [GeneratedRegex(@"(/customers/)[^/\s?#""']+", RegexOptions.CultureInvariant)]
    private static partial Regex CustomerPath();

    private sealed class RedactingLoggerProvider(ILoggerProvider inner) : ILoggerProvider, ISupportExternalScope
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => (inner as ISupportExternalScope)?.SetScopeProvider(scopeProvider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }
            var message = formatter(state, exception);
            var exceptionText = exception?.ToString();
            if (!Holds(message) && (exceptionText is null || !Holds(exceptionText)))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            // The structured values go with it: they hold the id too. The exception is written as
            // redacted text after the message.
            var redacted = Redact(message) + (exceptionText is null ? "" : Environment.NewLine + Redact(exceptionText));
            inner.Log(logLevel, eventId, redacted, null, static (text, _) => text);
        }
    }
}
