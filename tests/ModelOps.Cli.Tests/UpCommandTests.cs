using System.CommandLine;
using ModelOps.Cli;

namespace ModelOps.Cli.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class UpCommandTests
{
    [Theory]
    [InlineData("80")]
    [InlineData("65535")]
    public async Task Up_refuses_a_port_out_of_range_and_names_the_option(string port)
    {
        Command up = UpCommand.Create();
        var error = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(error);
        int exit;
        try
        {
            exit = await up.Parse(["--port", port]).InvokeAsync();
        }
        finally
        {
            Console.SetError(original);
        }

        exit.Should().Be(2);
        error.ToString().Should().Contain("--port");
    }

    [Fact]
    public void Stack_root_is_found_from_a_folder_below_it()
    {
        string nested = Path.Combine(Testing.RepositoryLayout.Root, "functions", "Scoring");

        StackLayout.FindRoot(nested).Should().Be(Testing.RepositoryLayout.Root);
    }
}
