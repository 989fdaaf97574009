using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    [Fact]
    public Task Stack_file_names_the_demo_model_and_where_the_keys_are_but_holds_no_secret() => InScratchRootAsync(async layout =>
    {
        await LocalSettingsFile.EnsureAsync(layout, CancellationToken.None);
        JsonNode settings = JsonNode.Parse(await File.ReadAllTextAsync(layout.SettingsFile))!;
        string[] secrets =
        [
            settings["Host"]!["FunctionKeys"]!["default"]!.GetValue<string>(),
            settings["Host"]!["MasterKey"]!.GetValue<string>(),
            settings["Values"]!["Registry__AuditKey"]!.GetValue<string>(),
        ];

        await UpCommand.WriteStackFileAsync(layout, DemoModel.Name, CancellationToken.None);
        string text = await File.ReadAllTextAsync(layout.StackFile);
        using JsonDocument stack = JsonDocument.Parse(text);

        secrets.Should().OnlyContain(s => s.Length >= 20);
        foreach (string secret in secrets)
        {
            text.Should().NotContain(secret);
        }

        stack.RootElement.GetProperty("demoModel").GetString().Should().Be("churn");
        stack.RootElement.GetProperty("settingsFile").GetString().Should().Be(layout.SettingsFile);
        JsonElement where = stack.RootElement.GetProperty("secrets");
        Resolve(settings, where.GetProperty("functionKey").GetString()!).Should().Be(secrets[0]);
        Resolve(settings, where.GetProperty("masterKey").GetString()!).Should().Be(secrets[1]);
        Resolve(settings, where.GetProperty("auditKey").GetString()!).Should().Be(secrets[2]);
    });

    [Fact]
    public Task Settings_made_for_custom_handlers_move_to_the_isolated_worker_runtime() => InScratchRootAsync(async layout =>
    {
        Directory.CreateDirectory(layout.StateFolder);
        await File.WriteAllTextAsync(layout.SettingsFile, """{"Values":{"FUNCTIONS_WORKER_RUNTIME":"custom","Registry__AuditKey":"kept"},"Host":{"MasterKey":"m","FunctionKeys":{"default":"f"}}}""");

        await LocalSettingsFile.EnsureAsync(layout, CancellationToken.None);

        JsonNode settings = JsonNode.Parse(await File.ReadAllTextAsync(layout.SettingsFile))!;
        settings["Values"]!["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>().Should().Be("dotnet-isolated");
        settings["Values"]!["Registry__AuditKey"]!.GetValue<string>().Should().Be("kept");
        settings["Host"]!["FunctionKeys"]!["default"]!.GetValue<string>().Should().Be("f");
    });

    /// <summary>Runs <paramref name="test"/> against a scratch stack root that has the repository's settings sample.</summary>
    private static async Task InScratchRootAsync(Func<StackLayout, Task> test)
    {
        string root = Directory.CreateTempSubdirectory("stack-").FullName;
        try
        {
            File.Copy(Path.Combine(Testing.RepositoryLayout.Root, "local.settings.sample.json"), Path.Combine(root, "local.settings.sample.json"));
            await test(new StackLayout(root, "Release", 7071, 7072));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Follows a dotted JSON path such as <c>Host.FunctionKeys.default</c>.</summary>
    private static string Resolve(JsonNode settings, string path) =>
        path.Split('.').Aggregate<string, JsonNode?>(settings, (node, name) => node?[name])!.GetValue<string>();
}
