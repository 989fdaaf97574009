using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ModelOps.Testing;

namespace ModelOps.Functions.Tests;

/// <summary>The Pipelines app behind the local Functions host, as <c>modelops up</c> runs it: keys are enforced at the front door.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalHostEndToEndTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string FunctionKey = "end-to-end-function-key";
    private readonly string _folder = Directory.CreateTempSubdirectory("lfh-e2e-").FullName;
    private Process? _host;
    private int _port;

    public async Task InitializeAsync()
    {
        string settings = Path.Combine(_folder, "local.settings.json");
        var json = new JsonObject
        {
            ["Values"] = new JsonObject
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Registry__AuditKey"] = AppSettings.AuditKey,
                ["Registry__TableName"] = AzuriteFixture.UniqueName("reg"),
                ["Registry__ArtifactContainer"] = AzuriteFixture.UniqueName("art"),
            },
            ["Host"] = new JsonObject { ["MasterKey"] = "end-to-end-master-key", ["FunctionKeys"] = new JsonObject { ["default"] = FunctionKey } },
        };
        await File.WriteAllTextAsync(settings, json.ToJsonString());
        _port = LoopbackPorts.GetFree();
        string root = FunctionAppProcess.BuildOutputOf("Pipelines");
        string host = Path.Combine(RepositoryLayout.Root, "tools", "LocalFunctionsHost", "bin", new DirectoryInfo(root).Parent!.Name, "net10.0", "LocalFunctionsHost.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { host, root, "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--settings", settings })
        {
            info.ArgumentList.Add(argument);
        }

        _host = Process.Start(info)!;
        _host.OutputDataReceived += (_, _) => { };
        _host.ErrorDataReceived += (_, _) => { };
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
        await LoopbackPorts.WaitUntilListeningAsync(_port, TimeSpan.FromSeconds(90), () => !_host.HasExited);
    }

    [Fact]
    public async Task Registry_api_needs_a_function_key_at_the_front_door()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}/") };

        using HttpResponseMessage health = await http.GetAsync(new Uri("api/health", UriKind.Relative));
        using HttpResponseMessage withoutKey = await http.GetAsync(new Uri("api/models", UriKind.Relative));
        using HttpResponseMessage wrongKey = await http.GetAsync(new Uri("api/models?code=wrong", UriKind.Relative));
        using var keyed = new HttpRequestMessage(HttpMethod.Get, "api/models");
        keyed.Headers.Add("x-functions-key", FunctionKey);
        using HttpResponseMessage withKey = await http.SendAsync(keyed);

        health.StatusCode.Should().Be(HttpStatusCode.OK);
        withoutKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        wrongKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        withKey.StatusCode.Should().Be(HttpStatusCode.OK);
        (await withKey.Content.ReadAsStringAsync()).Should().Be("[]");
    }

    public async Task DisposeAsync()
    {
        if (_host is { HasExited: false })
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
        }

        _host?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
