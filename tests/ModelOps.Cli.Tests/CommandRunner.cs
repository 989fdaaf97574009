using System.CommandLine;
using ModelOps.Cli;

namespace ModelOps.Cli.Tests;

/// <summary>Runs a command with the process console captured (tests using it belong to the console collection).</summary>
internal static class CommandRunner
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(Command command, params string[] args)
    {
        var error = new StringWriter();
        var output = new StringWriter();
        (TextWriter originalError, TextWriter originalOut) = (Console.Error, Console.Out);
        Console.SetError(error);
        Console.SetOut(output);
        try
        {
            return (await CliApp.InvokeAsync(command, args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetError(originalError);
            Console.SetOut(originalOut);
        }
    }
}
