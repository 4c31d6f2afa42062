using System.CommandLine;
using Jnt.Consent.Cli.Commands;

namespace Jnt.Consent.Cli;

/// <summary>The command tree of jnt-consent.</summary>
public static class CliApplication
{
    public static RootCommand Build()
    {
        var root = new RootCommand("jnt-consent: the command-line client of the Jnt.Consent gateway.\n\n" + ExitCodes.Help);
        root.Options.Add(CommonOptions.Address);
        root.Options.Add(CommonOptions.ApiKey);
        root.Options.Add(CommonOptions.Config);
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(ScrubCommand.Create());
        root.Subcommands.Add(ReceiptCommand.Create());
        root.Subcommands.Add(CustomerCommands.Create());
        root.Subcommands.Add(ContactCommands.Create());
        root.Subcommands.Add(ImportCommands.Create());
        root.Subcommands.Add(SeedCommand.Create());
        root.Subcommands.Add(TallyCommand.Create());
        root.Subcommands.Add(RightsCommands.CreateExport());
        root.Subcommands.Add(RightsCommands.CreateErase());
        root.Subcommands.Add(KeysCommands.Create());
        return root;
    }
}
