using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelOps.Hosting.Registry;
using ModelOps.Pipelines.Promotion;
using ModelOps.Registry;
using ModelOps.Registry.Promotion;
using ModelOps.Storage;
using ModelOps.Testing;

namespace ModelOps.Promotion.Tests;

/// <summary>
/// The promotion flow as the Pipelines app wires it (<c>AddModelRegistry</c> + <c>AddPromotion</c> over real Azurite and
/// maildev), with its orchestration and activities registered on an in-process Durable Task test host. Each harness has
/// its own tables, containers and mail addresses.
/// </summary>
internal sealed partial class PromotionHarness : IAsyncDisposable
{
    public const string Model = "churn";

    /// <summary>How long a test waits for a stage or an outcome: generous, for a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private const string BaseUrl = "http://127.0.0.1:7072/api";

    private readonly ServiceProvider _services;
    private readonly MaildevFixture _maildev;

    private PromotionHarness(ServiceProvider services, DurableTaskTestHost host, MaildevFixture maildev, string tag)
    {
        (_services, Host, _maildev) = (services, host, maildev);
        Requester = $"dana-{tag}@example.org";
        Approvers = [$"ana-{tag}@example.org", $"ben-{tag}@example.org"];
    }

    public DurableTaskTestHost Host { get; }

    public DurableTaskClient Client => Host.Client;

    public string Requester { get; }

    public IReadOnlyList<string> Approvers { get; }

    public ModelRegistry Registry => _services.GetRequiredService<ModelRegistry>();

    public ApprovalPage Page => _services.GetRequiredService<ApprovalPage>();

    public PromotionStarter Starter => _services.GetRequiredService<PromotionStarter>();

    public T Service<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A harness whose settings may override the defaults (e.g. <c>Promotion:ApprovalDeadline</c>).</summary>
    public static async Task<PromotionHarness> StartAsync(AzuriteFixture azurite, MaildevFixture maildev, IReadOnlyDictionary<string, string?>? settings = null)
    {
        string tag = Guid.NewGuid().ToString("N")[..10];
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Registry:AuditKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            ["Registry:TableName"] = "reg" + tag,
            ["Registry:ArtifactContainer"] = "art-" + tag,
            ["Promotion:TokenTable"] = "tok" + tag,
            ["Promotion:RecordContainer"] = "rec-" + tag,
            ["Promotion:LabelledRowsContainer"] = "rows-" + tag,
            ["Promotion:RequireSignificantGain"] = "false",
            ["Promotion:MinimumAurocGain"] = "-1",
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = maildev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:From"] = "ModelOps <modelops@example.org>",
            ["Smtp:TlsMode"] = "None",
            ["Approvals:BaseUrl"] = BaseUrl,
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton(TimeProvider.System);
        collection.AddModelRegistry(configuration);
        collection.AddPromotion(configuration);
        ServiceProvider services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var activities = new PromotionActivities(services.GetRequiredService<PromotionSteps>());
        DurableTaskTestHost host = await DurableTaskTestHost.StartAsync(tasks =>
        {
            tasks.AddOrchestratorFunc<PromotionStart, PromotionOutcome>(PromotionOrchestration.Name, PromotionOrchestration.RunAsync);
            tasks.AddActivityFunc<PromotionRequest, GateOutcome>(PromotionActivities.Gates, (_, r) => activities.RunGatesAsync(r, CancellationToken.None));
            tasks.AddActivityFunc<ApprovalAsk>(PromotionActivities.Ask, (_, a) => activities.AskApproverAsync(a, CancellationToken.None));
            tasks.AddActivityFunc<PromotionRequest, RecordedDecision?>(PromotionActivities.Decision, (_, r) => activities.ReadDecisionAsync(r, CancellationToken.None));
            tasks.AddActivityFunc<PromotionRequest, PromotedAlias>(PromotionActivities.Promote, (_, r) => activities.PromoteAsync(r, CancellationToken.None));
            tasks.AddActivityFunc<PromotionOutcome>(PromotionActivities.Finish, (_, o) => activities.FinishAsync(o, CancellationToken.None));
        }, new DurableTaskTestHostOptions { LoggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance });
        return new PromotionHarness(services, host, maildev, tag);
    }

    /// <summary>Registers <paramref name="pair"/>'s champion as v1 (alias champion) and challenger as v2, with the approvers on the card, and uploads the labelled rows.</summary>
    public async Task SeedAsync(PromotionModels.ModelPair pair, IReadOnlyList<string>? approvers = null, CancellationToken cancellationToken = default)
    {
        var card = new ModelCard(IntendedUse: "promotion tests", Approvers: approvers ?? Approvers);
        await Registry.RegisterAsync(new RegistrationRequest(Model, Card: card, Metrics: pair.ChampionMetrics, Alias: ModelRegistry.ChampionAlias, Reason: "first champion"), pair.Champion, "trainer", cancellationToken);
        await Registry.RegisterAsync(new RegistrationRequest(Model, Metrics: pair.ChallengerMetrics, Reason: "retrained"), pair.Challenger, "trainer", cancellationToken);
        var options = Service<Microsoft.Extensions.Options.IOptions<PromotionStorageOptions>>().Value;
        BlobContainerClient rows = Service<StorageConnection>().CreateBlobServiceClient().GetBlobContainerClient(options.LabelledRowsContainer);
        await rows.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await rows.GetBlobClient(Model + ".csv").UploadAsync(BinaryData.FromString(pair.LabelledCsv), overwrite: true, cancellationToken);
    }

    /// <summary>The request to make version 2 the champion.</summary>
    public PromotionRequest Request() => new(Model, 2, ModelRegistry.ChampionAlias, Requester, PromotionReason.Accuracy, Note: "retrained on last month");

    /// <summary>Polls the instance until its custom status is <paramref name="stage"/> (or it ended).</summary>
    public async Task<OrchestrationMetadata> WaitForStageAsync(string instanceId, PromotionStage stage, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            OrchestrationMetadata? instance = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cts.Token);
            if (instance is not null && (instance.ReadCustomStatusAs<string>() == stage.ToString() || instance.IsCompleted))
            {
                return instance;
            }

            await Task.Delay(100, cts.Token);
        }
    }

    /// <summary>The outcome once the orchestration completes.</summary>
    public async Task<PromotionOutcome> OutcomeAsync(string instanceId, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        OrchestrationMetadata done = await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
        done.RuntimeStatus.Should().Be(OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ToString());
        return done.ReadOutputAs<PromotionOutcome>()!;
    }

    /// <summary>The link of <paramref name="decision"/> in the approval e-mail <paramref name="approver"/> received in maildev.</summary>
    public async Task<Uri> LinkAsync(string approver, ApprovalDecision decision)
    {
        JsonElement message = await _maildev.WaitForMessageToAsync(approver, TimeSpan.FromSeconds(60));
        string text = message.GetProperty("text").GetString()!;
        string label = decision == ApprovalDecision.Approve ? "Approve:" : "Reject:";
        return new Uri(LinkPattern().Matches(text).Single(m => m.Groups[1].Value == label).Groups[2].Value);
    }

    /// <summary>Every message maildev holds addressed to <paramref name="recipient"/>.</summary>
    public async Task<JsonElement[]> MailToAsync(string recipient) =>
        (await _maildev.MessagesAsync()).Where(m => m.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetProperty("address").GetString(), recipient, StringComparison.OrdinalIgnoreCase))).ToArray();

    /// <summary>Waits for a message to <paramref name="recipient"/>.</summary>
    public Task<JsonElement> WaitForMailAsync(string recipient) => _maildev.WaitForMessageToAsync(recipient, TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await _services.DisposeAsync();
    }

    [GeneratedRegex(@"^(Approve:|Reject:)\s+(\S+)$", RegexOptions.Multiline)]
    private static partial Regex LinkPattern();
}
