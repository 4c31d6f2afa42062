using Jnt.Consent.Server.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jnt.Consent.Server.InProcess.Tests.Observability;

/// <summary>Orleans names grains in its messages; customer ids must not reach any log sink.</summary>
public sealed class CustomerIdRedactionTests
{
    [Fact]
    public void Grain_keys_and_customer_paths_in_messages_and_exceptions_are_written_redacted()
    {
        var sink = new CapturingProvider();
        using var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(sink))
            .RedactCustomerIdsInLogs()
            .BuildServiceProvider();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.Runtime.Catalog");

        logger.LogWarning("Failed to activate grain customer/cust:t123-9-abcdef, retrying");
        logger.LogError(new InvalidOperationException("Error from storage provider during ReadStateAsync for grain customer/cust:475367"), "Call failed");
        logger.LogInformation("Request starting HTTP/1.1 GET http://127.0.0.1/v1/customers/475367/history?access_reason=x");
        logger.LogWarning("Contact point {Key} unlinked", "email:ab12cd");

        Assert.Equal(
            [
                "Failed to activate grain customer/cust:<redacted>, retrying",
                "Call failed\n" + "System.InvalidOperationException: Error from storage provider during ReadStateAsync for grain customer/cust:<redacted>",
                "Request starting HTTP/1.1 GET http://127.0.0.1/v1/customers/<redacted>/history?access_reason=x",
                "Contact point email:ab12cd unlinked",
            ],
            sink.Lines.Select(l => l.Replace(Environment.NewLine, "\n", StringComparison.Ordinal)));
        Assert.DoesNotContain(sink.Lines, l => l.Contains("475367", StringComparison.Ordinal) || l.Contains("t123-9", StringComparison.Ordinal));
        // A message without an id keeps its structured values.
        Assert.Equal("email:ab12cd", sink.States[^1]?.FirstOrDefault(kv => kv.Key == "Key").Value);
    }

    private sealed class CapturingProvider : ILoggerProvider
    {
        public List<string> Lines { get; } = [];
        public List<IReadOnlyList<KeyValuePair<string, object?>>?> States { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                provider.Lines.Add(formatter(state, exception) + (exception is null ? "" : "\n" + exception));
                provider.States.Add(state as IReadOnlyList<KeyValuePair<string, object?>>);
            }
        }
    }
}
