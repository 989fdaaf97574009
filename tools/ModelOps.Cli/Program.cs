// Each room of the product adds its commands in a file of its own (XxxCommands.Create()); CliApp parses and guards.
return await ModelOps.Cli.CliApp.RunAsync(args);
