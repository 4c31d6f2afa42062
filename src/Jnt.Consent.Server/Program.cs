using Jnt.Consent.Server.Hosting;

if (args.Length > 0 && args[0] == MigrateCommand.Name)
{
    return await MigrateCommand.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == RebuildCacheCommand.Name)
{
    return await RebuildCacheCommand.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == RecountTalliesCommand.Name)
{
    return await RecountTalliesCommand.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == RotateKeysCommand.Name)
{
    return await RotateKeysCommand.RunAsync(args[1..]);
}
if (args.Length > 0 && args[0] == CheckConfigCommand.Name)
{
    return await CheckConfigCommand.RunAsync(args[1..]);
}

// Settings files are read from the build output, whatever the working directory; relative data
// paths (Gateway:DataDirectory) are relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddConsentGateway();

var app = builder.Build();
await app.PrepareStorageAsync();
app.MapConsentGateway();
await app.RunAsync();
return 0;
