using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelOps.Hosting.Registry;
using ModelOps.Registry;
using ModelOps.Storage;
using ModelOps.Testing;

namespace ModelOps.Promotion.Tests.EndToEnd;

/// <summary>
/// The Scoring and Pipelines apps from their build output under the local Functions host, on the test Azurite and
/// maildev, with a registry, token table, records, labelled rows and task hub of their own. The host can be stopped
/// and started again on the same storage and the same ports, so the approval links in mails sent by one host session
/// still work in the next. The Pipelines app runs from a folder that links its build output file by file, with a
/// host.json naming this stack's task hub and polling idle queues every second.
/// </summary>
internal sealed partial class PromotionStack : IAsyncDisposable
{
    /// <summary>How long a step may take on a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private static readonly string AuditKey = Convert.ToBase64String(Enumerable.Range(41, 32).Select(i => (byte)i).ToArray());

    private readonly MaildevFixture _maildev;
    private readonly Dictionary<string, string> _settings;
    private readonly string _pipelinesFolder;
    private readonly ServiceProvider _services;
    private readonly int _port;
    private readonly System.Text.StringBuilder _earlierSessions = new();

    private PromotionStack(MaildevFixture maildev, Dictionary<string, string> settings, string pipelinesFolder, ServiceProvider services, int port, string tag)
    {
        (_maildev, _settings, _pipelinesFolder, _services, _port) = (maildev, settings, pipelinesFolder, services, port);
        Requester = $"rita-{tag}@example.org";
        Approvers = [$"amir-{tag}@example.org", $"bea-{tag}@example.org"];
    }

    public LocalFunctionsHostProcess Host { get; private set; } = null!;

    /// <summary>How many host sessions this stack ran so far.</summary>
    public int Sessions { get; private set; }

    public string Requester { get; }

    public IReadOnlyList<string> Approvers { get; }

    /// <summary>The registry on the apps' storage, for arranging models as a trainer would.</summary>
    public ModelRegistry Registry => _services.GetRequiredService<ModelRegistry>();

    /// <summary>A client for the Scoring app of the current host session, with the function key.</summary>
    public HttpClient Scoring { get; private set; } = null!;

    /// <summary>A client for the Pipelines app of the current host session, with the function key.</summary>
    public HttpClient Pipelines { get; private set; } = null!;

    /// <summary>A client for the Pipelines app without any key, as an approver's browser calls the page.</summary>
    public HttpClient Browser { get; private set; } = null!;

    /// <summary>Starts both apps; <paramref name="settings"/> add to or override the defaults (e.g. <c>Promotion__ApprovalDeadline</c>).</summary>
    public static async Task<PromotionStack> StartAsync(AzuriteFixture azurite, MaildevFixture maildev, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        ArgumentNullException.ThrowIfNull(maildev);
        string tag = Guid.NewGuid().ToString("N")[..10];
        int port = LocalFunctionsHostProcess.FreeConsecutivePorts(2);
        var values = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Registry__AuditKey"] = AuditKey,
            ["Registry__TableName"] = "reg" + tag,
            ["Registry__ArtifactContainer"] = "art-" + tag,
            ["Scoring__Cache__PollInterval"] = "00:00:02",
            ["Scoring__Payloads__Container"] = "pay-" + tag,
            ["Promotion__TokenTable"] = "tok" + tag,
            ["Promotion__RecordContainer"] = "rec-" + tag,
            ["Promotion__LabelledRowsContainer"] = "rows-" + tag,
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = maildev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp__From"] = "ModelOps <modelops@example.org>",
            ["Smtp__TlsMode"] = "None",
            ["Approvals__BaseUrl"] = $"http://127.0.0.1:{port + 1}/api",
        };
        foreach ((string key, string value) in settings ?? new Dictionary<string, string>()) values[key] = value;

        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key.Replace("__", ":", StringComparison.Ordinal), (string?)v.Value)))
            .Build();
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton(TimeProvider.System);
        collection.AddModelRegistry(configuration);
        ServiceProvider services = collection.BuildServiceProvider();
        string folder = LinkPipelines("hub" + tag);
        var stack = new PromotionStack(maildev, values, folder, services, port, tag);
        try
        {
            await stack.StartHostAsync();
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }

        return stack;
    }

    /// <summary>Stops the host the way an operator does and starts a new one on the same storage, task hub and ports.</summary>
    public async Task RestartAsync()
    {
        await StopHostAsync();
        await StartHostAsync();
    }

    /// <summary>Registers <paramref name="pair"/>'s champion (alias champion) and challenger, with this stack's approvers on the card, and uploads the labelled rows.</summary>
    public async Task<(int Champion, int Challenger)> SeedAsync(string model, PromotionModels.ModelPair pair)
    {
        var card = new ModelCard(IntendedUse: "churn outreach", Approvers: Approvers);
        ModelVersion champion = await Registry.RegisterAsync(new RegistrationRequest(model, Card: card, Metrics: pair.ChampionMetrics, Alias: ModelRegistry.ChampionAlias, Reason: "first champion"), pair.Champion, "trainer", CancellationToken.None);
        ModelVersion challenger = await Registry.RegisterAsync(new RegistrationRequest(model, Metrics: pair.ChallengerMetrics, Reason: "retrained on the full year"), pair.Challenger, "trainer", CancellationToken.None);
        BlobContainerClient rows = _services.GetRequiredService<StorageConnection>().CreateBlobServiceClient()
            .GetBlobContainerClient(_settings["Promotion__LabelledRowsContainer"]);
        await rows.CreateIfNotExistsAsync();
        await rows.GetBlobClient(model + ".csv").UploadAsync(BinaryData.FromString(pair.LabelledCsv), overwrite: true);
        return (champion.Version, challenger.Version);
    }

    /// <summary>Asks for <paramref name="version"/> of <paramref name="model"/> to become champion, over HTTP as <c>modelops promote request</c> does.</summary>
    public async Task<HttpResponseMessage> RequestPromotionAsync(string model, int version, string? requester = null) =>
        await Pipelines.PostAsJsonAsync(
            $"/api/models/{model}/promotions",
            new { version, requester = requester ?? Requester, reason = "accuracy", note = "retrained on the full year" });

    /// <summary>The request's status as the API answers it.</summary>
    public async Task<JsonElement> StatusAsync(string model, int version)
    {
        using HttpResponseMessage response = await Pipelines.GetAsync(new Uri($"/api/models/{model}/promotions/{version}", UriKind.Relative));
        string text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue($"the status answered {(int)response.StatusCode}: {text}; host output: {Tail(Host.Output)}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Polls the status until its stage is one of <paramref name="stages"/>; fails naming the last status and the host's output.</summary>
    public async Task<JsonElement> WaitForStageAsync(string model, int version, params string[] stages)
    {
        var stopwatch = Stopwatch.StartNew();
        JsonElement last = default;
        while (stopwatch.Elapsed < Patience)
        {
            last = await StatusAsync(model, version);
            if (stages.Contains(last.GetProperty("stage").GetString()) && (last.GetProperty("runtimeStatus").GetString() is "Completed" || !IsEnd(stages)))
            {
                return last;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Waited {Patience} for {model} v{version} to reach {string.Join(" or ", stages)}; last status {last}. Host output: {Tail(Host.Output)}");
    }

    /// <summary>The model's audit as the registry API answers it.</summary>
    public async Task<JsonElement[]> AuditAsync(string model) =>
        await Pipelines.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/models/{model}/audit", UriKind.Relative)) ?? [];

    /// <summary>The link labelled <paramref name="label"/> (<c>Approve</c> or <c>Reject</c>) in the approval mail to <paramref name="approver"/> about <paramref name="model"/>.</summary>
    public async Task<Uri> LinkAsync(string approver, string model, string label)
    {
        JsonElement message = await WaitForMailAsync(approver, model);
        string text = message.GetProperty("text").GetString()!;
        return new Uri(LinkPattern().Matches(text).Single(m => m.Groups[1].Value == label).Groups[2].Value);
    }

    /// <summary>Waits for a mail to <paramref name="recipient"/> whose subject names <paramref name="model"/>.</summary>
    public async Task<JsonElement> WaitForMailAsync(string recipient, string model, string? subjectStart = null)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < Patience)
        {
            JsonElement? found = (await MailToAsync(recipient)).Cast<JsonElement?>().FirstOrDefault(m =>
                m!.Value.GetProperty("subject").GetString() is { } subject && subject.Contains($": {model} version ", StringComparison.Ordinal)
                && (subjectStart is null || subject.StartsWith(subjectStart, StringComparison.Ordinal)));
            if (found is { } message) return message;
            await Task.Delay(250);
        }

        throw new TimeoutException($"No mail to {recipient} about {model} within {Patience}. Host output: {Tail(Host.Output)}");
    }

    /// <summary>Every mail maildev holds addressed to <paramref name="recipient"/>.</summary>
    public async Task<JsonElement[]> MailToAsync(string recipient) =>
        (await _maildev.MessagesAsync()).Where(m => m.GetProperty("to").EnumerateArray()
            .Any(t => string.Equals(t.GetProperty("address").GetString(), recipient, StringComparison.OrdinalIgnoreCase))).ToArray();

    /// <summary>Scores <paramref name="body"/> on <paramref name="model"/> and answers the version that served it.</summary>
    public async Task<int> ServedVersionAsync(string model, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Scoring.PostAsync(new Uri($"/api/models/{model}/score", UriKind.Relative), content);
        string text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(text);
        return JsonDocument.Parse(text).RootElement.GetProperty("rows")[0].GetProperty("version").GetInt32();
    }

    public async ValueTask DisposeAsync()
    {
        await StopHostAsync();
        // Every session's output, kept beside the screenshots for whoever reads a failed run.
        await File.WriteAllTextAsync(Path.Combine(ApprovalBrowser.ArtifactFolder, $"promotion-host-{_port}.log"), _earlierSessions.ToString());
        await _services.DisposeAsync();
        Directory.Delete(_pipelinesFolder, recursive: true);
    }

    private async Task StartHostAsync()
    {
        Host = await LocalFunctionsHostProcess.StartAsync(
            [LocalFunctionsHostProcess.BuildOutputOf("Scoring"), _pipelinesFolder], _settings, timeout: TimeSpan.FromMinutes(3), port: _port);
        Sessions++;
        Scoring = Host.CreateClient(0);
        Pipelines = Host.CreateClient(1);
        Browser = Host.CreateClient(1, withKey: false);
    }

    private async Task StopHostAsync()
    {
        if (Host is null) return;
        Scoring.Dispose();
        Pipelines.Dispose();
        Browser.Dispose();
        await Host.StopGracefullyAsync(TimeSpan.FromSeconds(30));
        _earlierSessions.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"===== host session {Sessions} =====").Append(Host.Output);
        await Host.DisposeAsync();
        Host = null!;
    }

    private static bool IsEnd(string[] stages) => stages.All(s => s is "Promoted" or "Rejected" or "Expired" or "GatesFailed" or "Cancelled" or "Failed");

    private static string Tail(string output) => output[Math.Max(0, output.Length - 6000)..];

    /// <summary>The Pipelines build output linked file by file, with a host.json on this stack's own task hub that polls every second.</summary>
    private static string LinkPipelines(string hubName)
    {
        string app = LocalFunctionsHostProcess.BuildOutputOf("Pipelines");
        string folder = Directory.CreateTempSubdirectory("modelops-promotion-").FullName;
        foreach (string entry in Directory.EnumerateFileSystemEntries(app))
        {
            string target = Path.Combine(folder, Path.GetFileName(entry));
            if (Path.GetFileName(entry) == "host.json") continue;
            if (Directory.Exists(entry)) Directory.CreateSymbolicLink(target, entry);
            else File.CreateSymbolicLink(target, entry);
        }

        JsonNode host = JsonNode.Parse(File.ReadAllText(Path.Combine(app, "host.json")))!;
        host["extensions"]!["queues"]!["maxPollingInterval"] = "00:00:01";
        host["extensions"]!["durableTask"] = new JsonObject
        {
            ["hubName"] = hubName,
            ["storageProvider"] = new JsonObject { ["partitionCount"] = 1, ["maxQueuePollingInterval"] = "00:00:01" },
        };
        File.WriteAllText(Path.Combine(folder, "host.json"), host.ToJsonString());
        return folder;
    }

    [GeneratedRegex(@"^(Approve|Reject):\s+(\S+)$", RegexOptions.Multiline)]
    private static partial Regex LinkPattern();
}
