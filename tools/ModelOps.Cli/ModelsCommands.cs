using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.MLNet;
using ModelOps.Registry;
using ModelOps.Storage;
using ModelOps.Storage.Registry;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops models list|show|register|alias|archive|audit|verify</c>: the registry against a storage account
/// (<c>--connection</c>, default the <c>AzureWebJobsStorage</c> connection, see <see cref="StorageConnection"/>). Writes and
/// <c>verify</c> need the audit key (<c>--audit-key</c> or <c>Registry__AuditKey</c>); the principal is
/// <c>--principal</c> or the OS user. Errors print the offending field; exit codes as in <see cref="CliRun"/>.
/// </summary>
internal static class ModelsCommands
{
    // ETags hold quotes; the relaxed encoder prints them as they are, not as \u0022.
    private static readonly JsonSerializerOptions Indented = new(RegistryJsonContext.Default.Options) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // No default value: the connection resolves when the command runs, so --help never shows a connection string.
    private static readonly Option<string?> Connection = new("--connection")
    {
        Description = "Storage connection string (default: the AzureWebJobsStorage connection from the environment, connection string or identity-based; else local Azurite).",
    };

    private static readonly Option<string?> AuditKey = new("--audit-key")
    {
        Description = "Base64 audit key (default: the Registry__AuditKey setting).",
    };

    private static readonly Option<bool> Quiet = CliOptions.Quiet();

    private static readonly Option<string?> Principal = new("--principal")
    {
        Description = "Who is making the change (default: the OS user).",
    };

    private static readonly Option<string> Table = new("--table") { Description = "Registry table.", DefaultValueFactory = _ => new RegistryStorageOptions().TableName };

    private static readonly Option<string> Container = new("--container") { Description = "Artifact container.", DefaultValueFactory = _ => new RegistryStorageOptions().ArtifactContainer };

    private static readonly Option<string> Reason = new("--reason") { Description = "Why (recorded in the audit log).", Required = true };

    public static Command Create()
    {
        var models = new Command("models", "Register, find, alias, archive and audit models in the registry.");
        foreach (Command command in new[] { List(), Show(), Register(), Alias(), Archive(), Audit(), Verify() })
        {
            foreach (Option option in new Option[] { Connection, AuditKey, Principal, Table, Container, Quiet })
            {
                command.Options.Add(option);
            }

            models.Subcommands.Add(command);
        }

        return models;
    }

    private static Command List()
    {
        var prefix = new Option<string?>("--prefix") { Description = "Name prefix." };
        var tag = new Option<string?>("--tag") { Description = "Tag." };
        var owner = new Option<string?>("--owner") { Description = "Owner." };
        var json = new Option<bool>("--json") { Description = "Print the full JSON document instead of one line per model." };
        var command = new Command("list", "List or search models: one line per model (name, latest version, owner, tags).") { prefix, tag, owner, json };
        command.SetAction((result, ct) => RunAsync(result, "list", needsKey: false, async registry =>
        {
            IReadOnlyList<Model> models = await registry.SearchAsync(new ModelQuery(result.GetValue(prefix), result.GetValue(tag), result.GetValue(owner)), ct);
            if (result.GetValue(json))
            {
                Print(models);
                return;
            }

            foreach (Model m in models)
            {
                Console.WriteLine($"{m.Name}\tv{m.LatestVersion}\t{m.Owner}\t{string.Join(',', m.Tags)}");
            }
        }, ct));
        return command;
    }

    private static Command Show()
    {
        var model = new Argument<string>("MODEL");
        var version = new Option<int?>("--version") { Description = "Show one version." };
        var command = new Command("show", "Show a model (one JSON document: model, versions, aliases) or one version.") { model, version };
        command.SetAction((result, ct) => RunAsync(result, "show", needsKey: false, async registry =>
        {
            string name = result.GetValue(model)!;
            if (result.GetValue(version) is int v)
            {
                Print(await registry.GetVersionAsync(name, v, ct));
            }
            else
            {
                var document = new JsonObject
                {
                    ["model"] = Node(await registry.GetModelAsync(name, ct)),
                    ["versions"] = Node(await registry.ListVersionsAsync(name, ct)),
                    ["aliases"] = Node(await registry.ListAliasesAsync(name, ct)),
                };
                Console.WriteLine(document.ToJsonString(Indented));
            }
        }, ct));
        return command;
    }

    private static Command Register()
    {
        var model = new Argument<string>("MODEL");
        Option<string> artifact = CliOptions.InputFile("--artifact", "The ONNX file, or an ML.NET model .zip (converted to ONNX with ML.NET's exporter).");
        Option<string> metadata = CliOptions.InputFile("--metadata", "JSON registration metadata (schemas/registration-metadata.schema.json): schema, card, metrics, lineage, dependencies.", required: false);
        Option<string> report = CliOptions.InputFile("--report", "A training report ('modelops train --report'): its held-out metrics, lineage and baseline profile are registered with the version.", required: false);
        var force = new Option<bool>("--force") { Description = "Let --alias champion point at a version without held-out metrics." };
        var version = new Option<int?>("--version") { Description = "Version number (default: the next one)." };
        var alias = new Option<string?>("--alias") { Description = "Point this alias at the new version." };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the audit log)." };
        var max = new Option<long>("--max-artifact-bytes") { Description = "Largest artifact accepted.", DefaultValueFactory = _ => new RegistryOptions().MaxArtifactBytes };
        var command = new Command("register", "Validate and register a new version (identical bytes answer with the existing version).") { model, artifact, metadata, report, version, alias, reason, force, max };
        command.SetAction((result, ct) => RunAsync(result, "register", needsKey: true, async registry =>
        {
            var file = new FileInfo(result.GetValue(artifact)!);
            if (file.Length > result.GetValue(max))
            {
                throw new ArtifactTooLargeException(file.Length, result.GetValue(max));
            }

            string name = result.GetValue(model)!;
            RegistrationRequest request = result.GetValue(metadata) is { } meta
                ? RegistrationMetadata.Parse(await File.ReadAllTextAsync(meta, ct), name)
                : new RegistrationRequest(name);
            if (result.GetValue(report) is { } trainingReport)
            {
                request = TrainingReportFile.Apply(request, await File.ReadAllTextAsync(trainingReport, ct), "--report");
            }

            request = request with
            {
                Version = result.GetValue(version) ?? request.Version,
                Alias = result.GetValue(alias) ?? request.Alias,
                Reason = result.GetValue(reason) ?? request.Reason,
                Force = result.GetValue(force) || request.Force,
            };
            byte[] bytes = await File.ReadAllBytesAsync(file.FullName, ct);
            if (MlNetModelConverter.IsZip(bytes))
            {
                bytes = MlNetModelConverter.ConvertToOnnx(bytes, DeclaredColumns(request), ct);
                if (!result.GetValue(Quiet))
                {
                    Console.Error.WriteLine($"Converted the ML.NET model to ONNX ({bytes.Length} bytes).");
                }
            }

            Registration registration = await registry.RegisterVersionAsync(request, bytes, Who(result), ct);
            if (registration.Existing && !result.GetValue(Quiet))
            {
                Console.Error.WriteLine($"{name} already has these exact bytes as version {registration.Version.Version}; nothing new was registered.");
            }

            Print(registration.Version);
        }, ct, result.GetValue(max)));
        return command;
    }

    private static Command Alias()
    {
        var model = new Argument<string>("MODEL");
        var alias = new Argument<string>("ALIAS");
        var version = new Argument<int>("VERSION");
        var ifMatch = new Option<string?>("--if-match") { Description = "Move only if the alias still has this ETag." };
        var force = new Option<bool>("--force") { Description = "Let champion point at a version without held-out metrics." };
        var command = new Command("alias", "Point an alias at a version (compare-and-swap).") { model, alias, version, Reason, ifMatch, force };
        command.SetAction((result, ct) => RunAsync(result, "alias", needsKey: true, async registry =>
            Print(await registry.MoveAliasAsync(result.GetValue(model)!, result.GetValue(alias)!, result.GetValue(version), result.GetValue(Reason)!,
                result.GetValue(ifMatch), Who(result), result.GetValue(force), ct)), ct));
        return command;
    }

    private static Command Archive()
    {
        var model = new Argument<string>("MODEL");
        var version = new Argument<int>("VERSION");
        var command = new Command("archive", "Archive a version.") { model, version, Reason };
        command.SetAction((result, ct) => RunAsync(result, "archive", needsKey: true, async registry =>
            Print(await registry.ChangeStatusAsync(result.GetValue(model)!, result.GetValue(version), VersionStatus.Archived, result.GetValue(Reason)!, Who(result), ct)), ct));
        return command;
    }

    private static Command Audit()
    {
        var model = new Argument<string>("MODEL");
        var command = new Command("audit", "Print a model's audit trail.") { model };
        command.SetAction((result, ct) => RunAsync(result, "audit", needsKey: false, async registry =>
        {
            foreach (AuditEntry e in await registry.ReadAuditAsync(result.GetValue(model)!, ct))
            {
                Console.WriteLine($"{e.Sequence}\t{e.At:O}\t{e.Principal}\t{e.Action}\t{e.Before} => {e.After}\t{e.Reason}");
            }
        }, ct));
        return command;
    }

    private static Command Verify()
    {
        var model = new Argument<string>("MODEL");
        var command = new Command("verify", "Check a model's audit chain; exits 3 at the first broken entry.") { model };
        command.SetAction(async (result, ct) =>
        {
            int exit = 0;
            int run = await RunAsync(result, "verify", needsKey: true, async registry =>
            {
                AuditVerification check = await registry.VerifyAuditAsync(result.GetValue(model)!, ct);
                if (check.Intact)
                {
                    Console.WriteLine($"intact: {check.EntriesChecked} entries verified");
                }
                else
                {
                    Console.WriteLine($"broken at entry {check.BrokenAtPosition + 1} (sequence {check.BrokenAtSequence}): {check.Problem}");
                    exit = CliRun.CheckFailed;
                }
            }, ct);
            return run != 0 ? run : exit;
        });
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, string name, bool needsKey, Func<ModelRegistry, Task> action, CancellationToken cancellationToken, long? maxArtifactBytes = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await CliRun.GuardedAsync("models " + name, async () =>
        {
            StorageConnection connection = CliStorage.Connection(result.GetValue(Connection));
            byte[] key;
            if ((result.GetValue(AuditKey) ?? Environment.GetEnvironmentVariable("Registry__AuditKey")) is { Length: > 0 } text)
            {
                key = new RegistryOptions { AuditKey = text }.AuditKeyBytes();
            }
            else if (needsKey)
            {
                throw new InvalidRegistryRequestException("--audit-key", "is required (or set Registry__AuditKey).");
            }
            else
            {
                // Reads never seal or check entries, so any key will do.
                key = RandomNumberGenerator.GetBytes(32);
            }

            var options = new RegistryOptions { AuditKey = Convert.ToBase64String(key), MaxArtifactBytes = maxArtifactBytes ?? new RegistryOptions().MaxArtifactBytes };
            var storage = new RegistryStorageOptions { TableName = result.GetValue(Table)!, ArtifactContainer = result.GetValue(Container)! };

            ModelRegistry registry = CheckedRegistry.Create(connection, options, storage);
            await action(registry);
            return CliRun.Ok;
        });
    }

    /// <summary>The inputs declared in the metadata, for an ML.NET model saved without its input schema.</summary>
    private static MlNetColumn[]? DeclaredColumns(RegistrationRequest request) =>
        request.Schema?.Inputs.Select(i => new MlNetColumn(i.Name, string.Equals(i.ElementType, "string", StringComparison.OrdinalIgnoreCase))).ToArray();

    private static string Who(ParseResult result) => result.GetValue(Principal) ?? Environment.UserName;

    private static void Print<T>(T value) =>
        Console.WriteLine(JsonSerializer.Serialize(value, Indented.GetTypeInfo(typeof(T))));

    private static JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, Indented.GetTypeInfo(typeof(T)));
}
