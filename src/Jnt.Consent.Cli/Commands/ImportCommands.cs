using System.CommandLine;
using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Jnt.Consent.Api.V1;
using Jnt.Consent.Cli.Connection;
using Jnt.Consent.Cli.Csv;
using Jnt.Consent.Cli.Parsing;
using Jnt.Consent.Cli.Terminal;

namespace Jnt.Consent.Cli.Commands;

/// <summary>import customers (role: service), import history and import list (role: admin).</summary>
internal static class ImportCommands
{
    private const int RejectionsShown = 20;

    public static Command Create()
    {
        var command = new Command("import", "Import customers, their past consents and objections, or an external prohibition list");
        command.Subcommands.Add(Customers());
        command.Subcommands.Add(History());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command Customers()
    {
        var file = new Argument<string>("file") { Description = "The customer CSV, with a header row" };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Import the valid rows even if some are rejected" };
        var parallel = new Option<int>("--parallel") { Description = "Upserts in flight", DefaultValueFactory = _ => 16 };
        var actor = new Option<string>("--actor") { Description = "Recorded as who imported", DefaultValueFactory = _ => "jnt-consent-import" };
        var evidence = new Option<string?>("--evidence") { Description = "Recorded as evidence (default: the file's name)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress" };
        var command = new Command("customers", $"""
            Create or update customers from a CSV (role: service). Every row is validated first; if any is rejected,
            the rejected rows are listed with their line and field and nothing is imported, unless --skip-invalid.
            Columns: {string.Join(", ", CustomerRows.KnownColumns)}
            (customer_id and group required; several emails or phones separated by ';'; dates YYYY-MM-DD).
            """)
        {
            file, skipInvalid, parallel, actor, evidence, quiet,
        };
        command.SetGatewayAction("service", async (parse, gateway, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var provenance = new Provenance
            {
                Source = ConsentSource.Import,
                Actor = parse.GetValue(actor)!,
                Evidence = parse.GetValue(evidence) ?? "import of " + Path.GetFileName(path),
            };
            // Pass 1: validate everything, holding only the rejections.
            var rejected = new List<string>();
            long valid = 0;
            var ids = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var (line, request, errors) in ReadCustomers(path, provenance))
            {
                if (request is not null && !ids.Add(request.CustomerId))
                {
                    errors.Add($"customer_id: {request.CustomerId} appears twice in the file");
                }
                if (errors.Count > 0)
                {
                    rejected.Add($"line {line}: {string.Join("; ", errors)}");
                }
                else
                {
                    valid++;
                }
            }
            ids.Clear();
            if (rejected.Count > 0)
            {
                await Console.Error.WriteLineAsync($"{rejected.Count:N0} of {rejected.Count + valid:N0} rows rejected:");
                foreach (var rejection in rejected.Take(RejectionsShown))
                {
                    await Console.Error.WriteLineAsync("  " + rejection);
                }
                if (rejected.Count > RejectionsShown)
                {
                    await Console.Error.WriteLineAsync($"  … and {rejected.Count - RejectionsShown:N0} more");
                }
                if (!parse.GetValue(skipInvalid))
                {
                    await Console.Error.WriteLineAsync("Nothing imported (use --skip-invalid to import the valid rows).");
                    return ExitCodes.RowsRejected;
                }
            }

            // Pass 2: send the valid rows, several at a time.
            var created = 0L;
            var updated = 0L;
            var refused = new List<string>();
            await using (var progress = new Progress("import", valid, parse.GetValue(quiet)))
            {
                using var inFlight = new SemaphoreSlim(Math.Max(1, parse.GetValue(parallel)));
                var tasks = new List<Task>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                RpcException? fatal = null;
                await foreach (var (line, request, errors) in ReadCustomers(path, provenance))
                {
                    if (request is null || errors.Count > 0 || !seen.Add(request.CustomerId))
                    {
                        continue;
                    }
                    await inFlight.WaitAsync(cancellationToken);
                    if (fatal is not null)
                    {
                        break;
                    }
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            var response = await gateway.Customers.UpsertCustomerAsync(request, cancellationToken: cancellationToken);
                            Interlocked.Increment(ref response.Created ? ref created : ref updated);
                        }
                        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition)
                        {
                            lock (refused)
                            {
                                refused.Add($"line {line}: {RpcFailures.Describe(e)}");
                            }
                        }
                        catch (RpcException e)
                        {
                            fatal ??= e;
                        }
                        finally
                        {
                            progress.Add();
                            inFlight.Release();
                        }
                    }, cancellationToken));
                    tasks.RemoveAll(t => t.IsCompleted);
                }
                await Task.WhenAll(tasks);
                if (fatal is not null)
                {
                    throw fatal;
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Imported {created + updated:N0} customers ({created:N0} created, {updated:N0} updated); {rejected.Count + refused.Count:N0} rows rejected"));
            foreach (var refusal in refused.Take(RejectionsShown))
            {
                await Console.Error.WriteLineAsync("  " + refusal);
            }
            return rejected.Count + refused.Count > 0 ? ExitCodes.RowsRejected : ExitCodes.Ok;
        });
        return command;
    }

    private static async IAsyncEnumerable<(long Line, UpsertCustomerRequest? Request, List<string> Errors)> ReadCustomers(string path, Provenance provenance)
    {
        using var reader = Open(path);
        // Comma, semicolon (as Finnish Excel saves) or tab, detected from the header.
        var csv = CsvInput.Open(reader, null).Reader;
        var headerRecord = csv.Read() ?? throw new UsageException($"{path} is empty: it needs a header row");
        var rows = new CustomerRows(new CsvHeader(headerRecord.Fields), provenance, DateTimeOffset.UtcNow);
        while (csv.Read() is { } record)
        {
            var (request, errors) = rows.Read(record);
            yield return (record.Line, request, [.. errors]);
        }
        await Task.CompletedTask;
    }

    private static Command History()
    {
        var file = new Argument<string>("file") { Description = "The events: a CSV with a header, or NDJSON (.ndjson, .jsonl)" };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Import the valid events even if some are rejected" };
        var actor = new Option<string>("--actor") { Description = "Recorded as who recorded an event whose row names no actor", DefaultValueFactory = _ => "jnt-consent-import" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress" };
        var command = new Command("history", $"""
            Import past consents, withdrawals and objections from an earlier customer system, with their original
            times, sources and evidence (role: admin). The customers must exist (import customers first). Every event
            is validated by the gateway before any is applied; if any is rejected, they are listed with their line
            and field and nothing is imported, unless --skip-invalid. Running the same file again adds nothing.
            Columns: {string.Join(", ", HistoryRows.KnownColumns)}
            (kind: consent, withdrawal or objection; purposes and channels separated by ';' or 'all';
            times YYYY-MM-DD or ISO 8601; source defaults to import, actor to --actor; a consent needs its evidence).
            """)
        {
            file, skipInvalid, actor, quiet,
        };
        command.SetGatewayAction("admin", async (parse, gateway, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var defaultActor = parse.GetValue(actor)!;
            // The file's own mistakes first: nothing is sent if a row cannot even be read.
            var unreadable = new List<string>();
            long rows = 0;
            using (var reader = Open(path))
            {
                foreach (var (line, get, error) in HistoryRows.Rows(path, reader))
                {
                    rows++;
                    var errors = error is null ? HistoryRows.Read(line, get, defaultActor).Errors : [error];
                    if (errors.Count > 0)
                    {
                        unreadable.Add($"line {line}: {string.Join("; ", errors)}");
                    }
                }
            }
            if (unreadable.Count > 0 && !parse.GetValue(skipInvalid))
            {
                await PrintRejections($"{unreadable.Count:N0} of {rows:N0} rows cannot be read", unreadable);
                await Console.Error.WriteLineAsync("Nothing imported (use --skip-invalid to import the valid rows).");
                return ExitCodes.RowsRejected;
            }

            // Sends the whole file once; what the gateway last said, and how the call ended.
            async Task<(ImportHistoryProgress? Last, RpcException? Ended)> SendAsync()
            {
                using var call = gateway.RegisterImport.ImportHistory(cancellationToken: cancellationToken);
                ImportHistoryProgress? last = null;
                RpcException? ended = null;
                await using (var progress = new Progress("import history", null, parse.GetValue(quiet)))
                {
                    var reading = Task.Run(async () =>
                    {
                        try
                        {
                            await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
                            {
                                last = message;
                                progress.Set(message.Validated ? message.CustomersDone : message.Received);
                            }
                        }
                        catch (RpcException e)
                        {
                            ended = e;
                        }
                    }, cancellationToken);
                    try
                    {
                        await call.RequestStream.WriteAsync(new ImportHistoryRequest { Header = new ImportHistoryHeader { SkipInvalid = parse.GetValue(skipInvalid) } }, cancellationToken);
                        using var reader = Open(path);
                        var chunk = new ImportHistoryChunk();
                        foreach (var (line, get, error) in HistoryRows.Rows(path, reader))
                        {
                            if (error is null && HistoryRows.Read(line, get, defaultActor).Event is { } imported)
                            {
                                chunk.Events.Add(imported);
                            }
                            if (chunk.Events.Count == 5000)
                            {
                                await call.RequestStream.WriteAsync(new ImportHistoryRequest { Chunk = chunk }, cancellationToken);
                                chunk = new ImportHistoryChunk();
                            }
                        }
                        if (chunk.Events.Count > 0)
                        {
                            await call.RequestStream.WriteAsync(new ImportHistoryRequest { Chunk = chunk }, cancellationToken);
                        }
                        await call.RequestStream.CompleteAsync();
                    }
                    catch (RpcException)
                    {
                        // The gateway ended the call: its status, from the answer stream, says why.
                    }
                    await reading;
                }
                return (last, ended);
            }

            // An import is safe to run again (every event is found by its content), so an unavailable
            // gateway or storage means: send the file again, a few times, before giving up.
            const int Attempts = 4;
            ImportHistoryProgress? last;
            RpcException? ended;
            for (var attempt = 1; ; attempt++)
            {
                (last, ended) = await SendAsync();
                if (ended is not { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded } || attempt == Attempts)
                {
                    break;
                }
                await Console.Error.WriteLineAsync($"{RpcFailures.Describe(ended)}: sending the file again, attempt {attempt + 1} of {Attempts} (nothing is imported twice)");
                await Task.Delay(TimeSpan.FromSeconds(1 << (attempt - 1)), cancellationToken);
            }
            if (ended is { StatusCode: StatusCode.InvalidArgument } invalid)
            {
                var violations = RpcFailures.FieldViolations(invalid);
                var listed = violations.Where(v => v.Field != "events").Select(v => $"{Line(v.Field)}: {v.Description}").ToList();
                // The gateway's last violation counts the events it rejected ("12 of 5,000 events rejected; …").
                var summary = (violations.FirstOrDefault(v => v.Field == "events").Description ?? "events rejected").Split(';')[0];
                await PrintRejections(summary, [.. unreadable, .. listed]);
                await Console.Error.WriteLineAsync("Nothing imported (use --skip-invalid to import the valid rows).");
                return ExitCodes.RowsRejected;
            }
            if (ended is { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded } unavailable)
            {
                throw new UsageException($"{RpcFailures.Describe(unavailable)}: the import did not finish after {Attempts} attempts; run the same file again to finish it (nothing is imported twice)",
                    ExitCodes.Unavailable);
            }
            if (ended is not null)
            {
                throw ended;
            }
            if (last is not { Completed: true })
            {
                throw new UsageException("the gateway ended the import without completing it: run the same file again to finish (nothing is imported twice)", ExitCodes.ServerError);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Imported {last.EventsImported:N0} events for {last.CustomersDone:N0} customers; {last.EventsAlreadyPresent:N0} were already imported; {last.Rejected + unreadable.Count:N0} rejected"));
            foreach (var rejection in unreadable.Concat(last.Rejections.Select(Line)).Take(RejectionsShown))
            {
                await Console.Error.WriteLineAsync("  rejected: " + rejection);
            }
            return last.Rejected + unreadable.Count > 0 ? ExitCodes.RowsRejected : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>"events[12].occurred_at" as "line 12, occurred_at".</summary>
    private static string Line(string field)
    {
        var match = System.Text.RegularExpressions.Regex.Match(field, @"^events\[(\d+)\]\.?(.*)$", System.Text.RegularExpressions.RegexOptions.Singleline);
        return match.Success ? $"line {match.Groups[1].Value}, {match.Groups[2].Value}" : field;
    }

    private static async Task PrintRejections(string summary, List<string> rejections)
    {
        await Console.Error.WriteLineAsync(summary + ":");
        foreach (var rejection in rejections.Take(RejectionsShown))
        {
            await Console.Error.WriteLineAsync("  " + rejection);
        }
        if (rejections.Count > RejectionsShown)
        {
            await Console.Error.WriteLineAsync($"  … and {rejections.Count - RejectionsShown:N0} more");
        }
    }

    private static Command List()
    {
        var file = new Argument<string>("file") { Description = "One entry per line, or a CSV with a header: value/email/phone, or street,postal_code,country for postal lists" };
        var name = new Option<string>("--name") { Description = "The list's name, e.g. robinson-phone (a new import replaces its current version)", Required = true };
        var kind = new Option<ContactKind>("--kind")
        {
            Description = "What it holds: email, phone, postal",
            HelpName = "email|phone|postal",
            Required = true,
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (Names.TryKind(text, out var value))
                {
                    return value;
                }
                r.AddError($"\"{text}\" is not a kind: email, phone, postal");
                return default;
            },
        };
        var channels = new Option<string[]>("--channels")
        {
            Description = "The channels it suppresses, comma-separated, or 'all'",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var listDate = new Option<DateTimeOffset?>("--list-date")
        {
            Description = "The list's own date (default: today)",
            CustomParser = r => CommonOptions.ParseInstant(r),
        };
        var source = new Option<string?>("--source") { Description = "Where it came from, e.g. \"ASML Robinson service\"" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress" };
        var command = new Command("list", "Import an external prohibition list; it replaces the list's current version atomically (role: admin)")
        {
            file, name, kind, channels, listDate, source, quiet,
        };
        command.SetGatewayAction("admin", async (parse, gateway, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            var header = new ImportHeader
            {
                Name = parse.GetValue(name)!,
                Kind = parse.GetValue(kind),
                ListDate = Timestamp.FromDateTimeOffset(parse.GetValue(listDate) ?? DateTimeOffset.UtcNow),
                Source = parse.GetValue(source) ?? Path.GetFileName(path),
            };
            var channelNames = CommonOptions.Split(parse.GetValue(channels) ?? []).ToList();
            header.Channels.AddRange(channelNames is ["all"] ? System.Enum.GetValues<Channel>().Skip(1) : channelNames.Select(Names.ParseChannel));

            using var call = gateway.SuppressionAdmin.ImportProhibitionList(cancellationToken: cancellationToken);
            ImportProgress? last = null;
            await using (var progress = new Progress("import list", null, parse.GetValue(quiet)))
            {
                var reading = Task.Run(async () =>
                {
                    await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
                    {
                        last = message;
                        progress.Set(message.Received);
                    }
                }, cancellationToken);
                try
                {
                    await call.RequestStream.WriteAsync(new ImportProhibitionListRequest { Header = header }, cancellationToken);
                    foreach (var chunk in ReadEntries(path, header.Kind).Chunk(5000))
                    {
                        var message = new ImportChunk();
                        foreach (var entry in chunk)
                        {
                            if (entry.Address is { } address)
                            {
                                message.Addresses.Add(address);
                            }
                            else
                            {
                                message.Values.Add(entry.Value);
                            }
                        }
                        await call.RequestStream.WriteAsync(new ImportProhibitionListRequest { Chunk = message }, cancellationToken);
                    }
                    await call.RequestStream.CompleteAsync();
                }
                catch (RpcException)
                {
                    // The gateway ended the call: its status, from the answer stream below, says why.
                }
                await reading;
            }
            if (last is not { Completed: true })
            {
                throw new UsageException("the gateway ended the import without completing it; the list is unchanged", ExitCodes.ServerError);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"List {header.Name} is now version {last.Version}: {last.Accepted:N0} entries imported, {last.Rejected:N0} rejected of {last.Received:N0}"));
            foreach (var rejection in last.Rejections)
            {
                Console.WriteLine("  rejected: " + rejection);
            }
            return last.Rejected > 0 ? ExitCodes.RowsRejected : ExitCodes.Ok;
        });
        return command;
    }

    private sealed record Entry(string Value, PostalEntry? Address);

    private static IEnumerable<Entry> ReadEntries(string path, ContactKind kind)
    {
        using var reader = Open(path);
        var csv = new CsvReader(reader);
        CsvHeader? header = null;
        var first = true;
        while (csv.Read() is { } record)
        {
            if (first)
            {
                first = false;
                var names = record.Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
                if (kind == ContactKind.Postal ? names.Contains("street") : names is ["value" or "email" or "phone" or "phone_number", ..])
                {
                    header = new CsvHeader(record.Fields);
                    continue;
                }
                if (kind == ContactKind.Postal)
                {
                    throw new UsageException("a postal list needs a header with street, postal_code and (optionally) country");
                }
            }
            if (kind == ContactKind.Postal)
            {
                yield return new Entry("", new PostalEntry
                {
                    Street = header!.Get(record, "street"),
                    PostalCode = header.Get(record, "postal_code"),
                    Country = header.Get(record, "country"),
                });
            }
            else
            {
                // A malformed value is sent as it is: the gateway counts it and reports its position.
                yield return new Entry(record.Fields.Count > 0 ? record.Fields[0].Trim() : "", null);
            }
        }
    }

    private static StreamReader Open(string path)
    {
        try
        {
            return new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {e.Message}");
        }
    }
}
