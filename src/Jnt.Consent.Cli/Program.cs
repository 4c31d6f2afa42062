using Jnt.Consent.Cli;

return await CliApplication.Build().Parse(args).InvokeAsync();
