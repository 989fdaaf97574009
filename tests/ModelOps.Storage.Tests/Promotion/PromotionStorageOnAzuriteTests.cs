using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ModelOps.Learning.Evaluation;
using ModelOps.Registry.Promotion;
using ModelOps.Storage.Promotion;
using ModelOps.Testing;

namespace ModelOps.Storage.Tests.Promotion;

/// <summary>The promotion flow's other adapters on Azurite: a request's reset, its record blob, and the labelled rows blob.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PromotionStorageOnAzuriteTests(AzuriteFixture azurite)
{
    private static readonly PromotionRequest Request = new("churn", 8, "champion", "dana@example.org", PromotionReason.Accuracy);
    private static readonly string[] Approvers = ["eli@example.org", "fay@example.org"];

    [Fact]
    public async Task Reset_removes_every_token_and_the_decision_of_one_request_only()
    {
        TableClient table = new TableServiceClient(azurite.ConnectionString).GetTableClient("tok" + AzuriteFixture.UniqueName("reset").Replace("-", string.Empty, StringComparison.Ordinal));
        var store = new TableApprovalTokenStore(table);
        var tokens = new ApprovalTokens(store, RandomNumberGenerator.Create(), new ManualTimeProvider(), new ApprovalTokenOptions());
        PromotionRequest other = Request with { CandidateVersion = 9 };
        IssuedApprovalToken eli = await tokens.IssueAsync(Request, "eli@example.org", Approvers, CancellationToken.None);
        await tokens.IssueAsync(Request, "fay@example.org", Approvers, CancellationToken.None);
        IssuedApprovalToken kept = await tokens.IssueAsync(other, "eli@example.org", Approvers, CancellationToken.None);
        (await tokens.DecideAsync(Request, eli.Token, null, Approvers, ApprovalDecision.Approve, "ok", CancellationToken.None)).Accepted.Should().BeTrue();

        await store.ResetAsync(Request.Id, CancellationToken.None);

        (await store.GetDecisionAsync(Request.Id, CancellationToken.None)).Should().BeNull();
        (await tokens.CheckAsync(Request, eli.Token, null, Approvers, CancellationToken.None)).Refusal.Should().Be(TokenRefusal.Forged, "the old run's links stop working");
        (await tokens.CheckAsync(other, kept.Token, null, Approvers, CancellationToken.None)).Accepted.Should().BeTrue("another request is untouched");
    }

    [Fact]
    public async Task A_record_with_its_curves_round_trips_and_a_missing_one_is_null()
    {
        BlobContainerClient container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("records"));
        var records = new BlobPromotionRecords(container);
        double[] p = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2];
        bool[] y = [false, false, true, true, true, false];
        BinaryClassificationReport evaluation = BinaryClassificationReport.Evaluate(p, y);
        var report = new GateReport([new GateResult(GateNames.Metrics, true, ["no champion to compare with."])], null, evaluation.Auroc, null);
        var record = new PromotionRecord(Request, null, report, evaluation, null, PromotionStage.AwaitingApproval, [], DateTimeOffset.UnixEpoch);

        await records.SaveAsync(record, CancellationToken.None);
        PromotionRecord? read = await records.GetAsync(Request.Id, CancellationToken.None);

        read.Should().BeEquivalentTo(record);
        (await records.GetAsync(PromotionRequest.IdFor("churn", 99), CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Labelled_rows_are_read_from_the_models_blob_and_absent_rows_are_null()
    {
        BlobContainerClient container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("rows"));
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("churn.csv").UploadAsync(BinaryData.FromString("tenure,churn\n3,Yes\n"));
        var rows = new BlobLabelledRows(container);

        (await rows.ReadCsvAsync("churn", CancellationToken.None)).Should().Be("tenure,churn\n3,Yes\n");
        (await rows.ReadCsvAsync("fraud", CancellationToken.None)).Should().BeNull();
        rows.Describe("fraud").Should().Be($"blob 'fraud.csv' in container '{container.Name}'");
    }
}
