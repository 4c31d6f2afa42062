using Jnt.Consent.LoadTest;
using Jnt.Consent.LoadTest.Scenarios;

const string Usage = """
    usage: Jnt.Consent.LoadTest <command> [--option value ...]   (see benchmarks/README.md)
      seed          --address URL --customers N --contacts-out PATH [--concurrency C] [--seed S] [--generator-now ISO8601]
      bulk-seed     --postgres CONNSTR --key-base64 K --customers N --contacts-out PATH [--skip N] [--append true] [--seed S]
                    [--generator-now ISO8601] [--service-id ID] [--queue-tallies true] [--tally-time-zone TZ]
      unary         --address URL --target noop|check[,...] [--rounds R] [--contacts PATH] [--concurrency C] [--duration S] [--warmup S] [--rate R]
      scrub         --address URL --contacts PATH --count N [--calls K] [--campaign ID]
      redis-raw     --redis HOST:PORT --contacts PATH --count N --key-base64 K [--prefix P] [--modes hget,smismember,script,script-parallel] [--in-flight W]
      rebuild       --address URL [--redis HOST:PORT] [--prefix P]
      writes        --target consent|objection|pg-raw|sqlite-raw[,...] [--address URL --contacts PATH] [--postgres CONNSTR] [--sqlite PATH]
                    [--concurrency C (8)] [--duration S] [--warmup S] [--rounds R]
      redis-memory  --redis HOST:PORT [--baseline BYTES --customers N]
      tallies       --address URL --api-key ANALYST_KEY --service-key KEY --postgres CONNSTR --customers N [--queries Q] [--concurrency C] [--writers W] [--write-seconds S]
      create-key    --address URL --api-key ADMIN_KEY --name NAME --role campaign|service|analyst|admin
    gRPC commands: [--api-key KEY] (sent as x-api-key); every command but create-key: [--label NAME] [--report-dir DIR] [--watch name=pid,...];
    unary and scrub: [--redis HOST:PORT --prefix P] to check that the gateway's cache stays ready
    """;

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}
try
{
    var command = new CommandLine(args[1..]);
    return args[0] switch
    {
        "seed" => await SeedScenario.RunAsync(command),
        "bulk-seed" => await BulkSeedScenario.RunAsync(command),
        "unary" => await UnaryScenario.RunAsync(command),
        "scrub" => await ScrubScenario.RunAsync(command),
        "redis-raw" => await RedisRawScenario.RunAsync(command),
        "rebuild" => await RebuildScenario.RunAsync(command),
        "writes" => await WritesScenario.RunAsync(command),
        "redis-memory" => await RedisMemoryScenario.RunAsync(command),
        "create-key" => await CreateKeyScenario.RunAsync(command),
        "tallies" => await TalliesScenario.RunAsync(command),
        _ => throw new UsageException($"unknown command '{args[0]}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}
