using System.CommandLine;
using ModelOps.Cli;

// Each room of the product adds its commands in a file of its own (XxxCommands.Create()).
var root = new RootCommand("modelops: train, register, promote, score and run ModelOps Functions locally.");
foreach (Command command in CliCommands.All())
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
