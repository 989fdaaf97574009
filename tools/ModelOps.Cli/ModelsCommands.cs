using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using ModelOps.Registry;
using ModelOps.Storage;
using ModelOps.Storage.Registry;

namespace ModelOps.Cli;

/// <summary>
/// <c>modelops models list|show|register|alias|archive|audit|verify</c>: the registry against a storage account
/// (<c>--connection</c>, default the <c>AzureWebJobsStorage</c> connection, see <see cref="StorageConnection"/>). Writes and
/// <c>verify</c> need the audit key (<c>--audit-key</c> or <c>Registry__AuditKey</c>); the principal is
/// <c>--principal</c> or the OS user. Errors print the offending field and exit non-zero.
/// </summary>
internal static class ModelsCommands
{
    private static readonly JsonSerializerOptions Indented = new(RegistryJsonContext.Default.Options) { WriteIndented = true };

    // No default value: the connection resolves when the command runs, so --help never shows a connection string.
    private static readonly Option<string?> Connection = new("--connection")
    {
        Description = "Storage connection string (default: the AzureWebJobsStorage connection from the environment, connection string or identity-based; else local Azurite).",
    };

    private static readonly Option<string?> AuditKey = new("--audit-key")
    {
        Description = "Base64 audit key (default: Registry__AuditKey).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Registry__AuditKey"),
    };

    private static readonly Option<string> Principal = new("--principal")
    {
        Description = "Who is making the change (default: the OS user).",
        DefaultValueFactory = _ => Environment.UserName,
    };

    private static readonly Option<string> Table = new("--table") { Description = "Registry table.", DefaultValueFactory = _ => new RegistryStorageOptions().TableName };

    private static readonly Option<string> Container = new("--container") { Description = "Artifact container.", DefaultValueFactory = _ => new RegistryStorageOptions().ArtifactContainer };

    private static readonly Option<string> Reason = new("--reason") { Description = "Why (recorded in the audit log).", Required = true };

    public static Command Create()
    {
        var models = new Command("models", "Register, find, alias, archive and audit models in the registry.");
        foreach (Command command in new[] { List(), Show(), Register(), Alias(), Archive(), Audit(), Verify() })
        {
            foreach (Option option in new Option[] { Connection, AuditKey, Principal, Table, Container })
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
        var command = new Command("list", "List or search models.") { prefix, tag, owner };
        command.SetAction((result, ct) => RunAsync(result, "list", needsKey: false, async registry =>
            Print(await registry.SearchAsync(new ModelQuery(result.GetValue(prefix), result.GetValue(tag), result.GetValue(owner)), ct)), ct));
        return command;
    }

    private static Command Show()
    {
        var model = new Argument<string>("MODEL");
        var version = new Option<int?>("--version") { Description = "Show one version." };
        var command = new Command("show", "Show a model (versions and aliases) or one version.") { model, version };
        command.SetAction((result, ct) => RunAsync(result, "show", needsKey: false, async registry =>
        {
            string name = result.GetValue(model)!;
            if (result.GetValue(version) is int v)
            {
                Print(await registry.GetVersionAsync(name, v, ct));
            }
            else
            {
                Print(await registry.GetModelAsync(name, ct));
                Print(await registry.ListVersionsAsync(name, ct));
                Print(await registry.ListAliasesAsync(name, ct));
            }
        }, ct));
        return command;
    }

    private static Command Register()
    {
        var model = new Argument<string>("MODEL");
        var artifact = new Option<FileInfo>("--artifact") { Description = "The ONNX file.", Required = true };
        var metadata = new Option<FileInfo?>("--metadata") { Description = "JSON registration metadata (schema, card, metrics, lineage, dependencies)." };
        var version = new Option<int?>("--version") { Description = "Version number (default: the next one)." };
        var alias = new Option<string?>("--alias") { Description = "Point this alias at the new version." };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the audit log)." };
        var max = new Option<long>("--max-artifact-bytes") { Description = "Largest artifact accepted.", DefaultValueFactory = _ => new RegistryOptions().MaxArtifactBytes };
        var command = new Command("register", "Validate and register a new version.") { model, artifact, metadata, version, alias, reason, max };
        command.SetAction((result, ct) => RunAsync(result, "register", needsKey: true, async registry =>
        {
            FileInfo file = result.GetValue(artifact)!;
            if (!file.Exists)
            {
                throw new InvalidRegistryRequestException("--artifact", $"names {file.FullName}, which does not exist.");
            }

            if (file.Length > result.GetValue(max))
            {
                throw new ArtifactTooLargeException(file.Length, result.GetValue(max));
            }

            RegistrationRequest request = result.GetValue(metadata) is { } meta
                ? JsonSerializer.Deserialize(await File.ReadAllTextAsync(meta.FullName, ct), RegistryJsonContext.Default.RegistrationRequest) ?? new RegistrationRequest(string.Empty)
                : new RegistrationRequest(string.Empty);
            request = request with
            {
                Model = result.GetValue(model)!,
                Version = result.GetValue(version) ?? request.Version,
                Alias = result.GetValue(alias) ?? request.Alias,
                Reason = result.GetValue(reason) ?? request.Reason,
            };
            Print(await registry.RegisterAsync(request, await File.ReadAllBytesAsync(file.FullName, ct), result.GetValue(Principal)!, ct));
        }, ct, result.GetValue(max)));
        return command;
    }

    private static Command Alias()
    {
        var model = new Argument<string>("MODEL");
        var alias = new Argument<string>("ALIAS");
        var version = new Argument<int>("VERSION");
        var ifMatch = new Option<string?>("--if-match") { Description = "Move only if the alias still has this ETag." };
        var command = new Command("alias", "Point an alias at a version (compare-and-swap).") { model, alias, version, Reason, ifMatch };
        command.SetAction((result, ct) => RunAsync(result, "alias", needsKey: true, async registry =>
            Print(await registry.MoveAliasAsync(result.GetValue(model)!, result.GetValue(alias)!, result.GetValue(version), result.GetValue(Reason)!,
                result.GetValue(ifMatch), result.GetValue(Principal)!, ct)), ct));
        return command;
    }

    private static Command Archive()
    {
        var model = new Argument<string>("MODEL");
        var version = new Argument<int>("VERSION");
        var command = new Command("archive", "Archive a version.") { model, version, Reason };
        command.SetAction((result, ct) => RunAsync(result, "archive", needsKey: true, async registry =>
            Print(await registry.ChangeStatusAsync(result.GetValue(model)!, result.GetValue(version), VersionStatus.Archived, result.GetValue(Reason)!, result.GetValue(Principal)!, ct)), ct));
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
        var command = new Command("verify", "Check a model's audit chain; exits 1 at the first broken entry.") { model };
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
                    exit = 1;
                }
            }, ct);
            return run != 0 ? run : exit;
        });
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, string name, bool needsKey, Func<ModelRegistry, Task> action, CancellationToken cancellationToken, long? maxArtifactBytes = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            StorageConnection connection = CliStorage.Connection(result.GetValue(Connection));
            byte[] key;
            if (result.GetValue(AuditKey) is { Length: > 0 } text)
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
            ModelRegistry registry = ModelRegistryFactory.Create(
                connection, options, new RegistryStorageOptions { TableName = result.GetValue(Table)!, ArtifactContainer = result.GetValue(Container)! }, TimeProvider.System);
            await action(registry);
            return 0;
        }
        catch (InvalidRegistryRequestException e)
        {
            Console.Error.WriteLine($"modelops models {name}: {e.Field}: {e.Message}");
            return 2;
        }
        catch (InvalidModelException e)
        {
            Console.Error.WriteLine($"modelops models {name}: artifact: {string.Join(" ", e.Reasons)}");
            return 1;
        }
        catch (Exception e) when (e is RegistryException or InvalidOperationException or FormatException or JsonException or Azure.RequestFailedException or IOException)
        {
            Console.Error.WriteLine($"modelops models {name}: {e.Message}");
            return 1;
        }
    }

    private static void Print<T>(T value) =>
        Console.WriteLine(JsonSerializer.Serialize(value, Indented.GetTypeInfo(typeof(T))));
}
