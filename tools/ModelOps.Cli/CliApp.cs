using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops</c> as a whole: the root command with every room's commands, and the parse step that turns a wrong
/// command line into exit 2 with the option named (<see cref="CliRun"/>) before any command runs.
/// </summary>
internal static class CliApp
{
    public static RootCommand Create()
    {
        var root = new RootCommand("modelops: train, register, promote, score and run ModelOps Functions locally.");
        foreach (Command command in CliCommands.All())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static Task<int> RunAsync(string[] args) => InvokeAsync(Create(), args);

    /// <summary>Parses <paramref name="args"/> for <paramref name="command"/>; a wrong command line is exit 2 before anything runs.</summary>
    public static async Task<int> InvokeAsync(Command command, string[] args)
    {
        ParseResult parse = command.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            string name = string.Join(' ', CommandPath(parse.CommandResult.Command));
            foreach (ParseError error in parse.Errors)
            {
                Console.Error.WriteLine($"modelops{(name.Length > 0 ? " " + name : string.Empty)}: {CliRun.Describe(error.Message, Symbol(error.SymbolResult))}");
            }

            Console.Error.WriteLine($"Run 'modelops{(name.Length > 0 ? " " + name : string.Empty)} --help' for its options.");
            return CliRun.Usage;
        }

        return await parse.InvokeAsync();
    }

    /// <summary>Every command below <paramref name="command"/>, with its path from the root (for help and docs tests).</summary>
    public static IEnumerable<string[]> Paths(Command command, string[]? prefix = null)
    {
        prefix ??= [];
        foreach (Command sub in command.Subcommands)
        {
            string[] path = [.. prefix, sub.Name];
            yield return path;
            foreach (string[] deeper in Paths(sub, path))
            {
                yield return deeper;
            }
        }
    }

    private static string? Symbol(SymbolResult? result) => result switch
    {
        OptionResult option => option.Option.Name,
        ArgumentResult argument => argument.Argument.Name,
        _ => null,
    };

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return names;
    }
}
