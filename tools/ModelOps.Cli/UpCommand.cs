using System.CommandLine;

namespace ModelOps.Cli;

/// <summary><c>modelops up</c>: the whole local stack (built with the local Functions host).</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var command = new Command("up", "Run the local stack: Azurite, maildev, both function apps, and a demo model.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("modelops up: the local Functions host is not built yet.");
            return 2;
        });
        return command;
    }
}
