using System.Text.Json.Nodes;
using ModelOps.Cli;

namespace ModelOps.Cli.Tests;

/// <summary>Endpoint resolution reads the environment; these tests run one at a time with the console tests.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ScoringEndpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("score-endpoint-").FullName;
    private readonly string? _url = Environment.GetEnvironmentVariable(ScoringEndpoint.UrlVariable);
    private readonly string? _key = Environment.GetEnvironmentVariable(ScoringEndpoint.KeyVariable);

    public ScoringEndpointTests()
    {
        Environment.SetEnvironmentVariable(ScoringEndpoint.UrlVariable, null);
        Environment.SetEnvironmentVariable(ScoringEndpoint.KeyVariable, null);
    }

    [Fact]
    public void The_local_stack_file_gives_url_and_key_and_the_key_is_never_in_its_text()
    {
        string state = Directory.CreateDirectory(Path.Combine(_folder, ".modelops")).FullName;
        string settings = Path.Combine(state, "local.settings.json");
        File.WriteAllText(settings, new JsonObject { ["Host"] = new JsonObject { ["FunctionKeys"] = new JsonObject { ["default"] = "secret-key-1" } } }.ToJsonString());
        File.WriteAllText(Path.Combine(state, "stack.json"), new JsonObject
        {
            ["scoringUrl"] = "http://127.0.0.1:7071", ["pipelinesUrl"] = "http://127.0.0.1:7072", ["maildevUrl"] = "http://127.0.0.1:1080",
            ["settingsFile"] = settings,
            ["secrets"] = new JsonObject { ["functionKey"] = "Host.FunctionKeys.default", ["masterKey"] = "Host.MasterKey", ["auditKey"] = "Values.Registry__AuditKey" },
        }.ToJsonString());

        ScoringEndpoint endpoint = ScoringEndpoint.Resolve(null, null, Directory.CreateDirectory(Path.Combine(_folder, "sub")).FullName);

        endpoint.Url.Should().Be(new Uri("http://127.0.0.1:7071"));
        endpoint.Key.Should().Be("secret-key-1");
        endpoint.ToString().Should().NotContain("secret-key-1");
    }

    [Fact]
    public void Options_win_over_the_environment_and_a_url_without_a_key_names_key()
    {
        Environment.SetEnvironmentVariable(ScoringEndpoint.UrlVariable, "http://127.0.0.1:9999");
        Environment.SetEnvironmentVariable(ScoringEndpoint.KeyVariable, "from-env");

        ScoringEndpoint given = ScoringEndpoint.Resolve("https://scoring.example.net", "from-option", _folder);
        ScoringEndpoint environment = ScoringEndpoint.Resolve(null, null, _folder);
        Environment.SetEnvironmentVariable(ScoringEndpoint.KeyVariable, null);
        Action noKey = () => ScoringEndpoint.Resolve("https://scoring.example.net", null, _folder);
        Action badUrl = () => ScoringEndpoint.Resolve("ftp://scoring", "k", _folder);

        given.Should().Be(new ScoringEndpoint(new Uri("https://scoring.example.net"), "from-option"));
        environment.Should().Be(new ScoringEndpoint(new Uri("http://127.0.0.1:9999"), "from-env"));
        noKey.Should().Throw<CliUsageException>().WithMessage("--key:*");
        badUrl.Should().Throw<CliUsageException>().WithMessage("--url:*");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(ScoringEndpoint.UrlVariable, _url);
        Environment.SetEnvironmentVariable(ScoringEndpoint.KeyVariable, _key);
        Directory.Delete(_folder, recursive: true);
    }
}
