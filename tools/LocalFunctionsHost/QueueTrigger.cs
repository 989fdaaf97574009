using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;

namespace LocalFunctionsHost;

/// <summary>
/// A Storage Queue trigger with the WebJobs queue listener's semantics: receive up to
/// <c>batchSize</c> messages with a 10-minute lease, renew it at half while running, keep up to
/// <c>batchSize + newBatchThreshold</c> in flight, delete on success; on failure make the message
/// visible again after <c>visibilityTimeout</c>, or — at <c>maxDequeueCount</c> — copy its body to
/// <c>{queue}-poison</c> and delete it. Empty polls back off exponentially with jitter up to
/// <c>maxPollingInterval</c>.
/// </summary>
internal sealed class QueueTrigger
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);
    private readonly FunctionDefinition _function;
    private readonly FunctionInvoker _invoker;
    private readonly QueueSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly SemaphoreSlim _inFlight;
    private readonly string _name;

    public QueueTrigger(FunctionDefinition function, FunctionInvoker invoker, LocalSettings localSettings, QueueSettings settings, TimeProvider clock, ILogger logger, Random? random = null)
    {
        _function = function;
        _invoker = invoker;
        _settings = settings;
        _clock = clock;
        _logger = logger;
        _random = random ?? Random.Shared;
        _name = function.Trigger.GetString("queueName") ?? throw new InvalidDataException($"Queue trigger '{function.Name}' has no queueName.");
        string connection = localSettings.Connection(function.Trigger.GetString("connection"));
        _queue = StorageClients.Queue(connection, _name, settings.Base64Encoding);
        _poison = StorageClients.Queue(connection, _name + "-poison", settings.Base64Encoding);
        _inFlight = new SemaphoreSlim(settings.BatchSize + settings.NewBatchThreshold);
    }

    public string QueueName => _name;

    /// <summary>The poison queue, unless the queue is itself one (the real host adds none then).</summary>
    private bool HasPoisonQueue => !_name.EndsWith("-poison", StringComparison.Ordinal) && _name.Length + 7 <= 63;

    public async Task RunAsync(CancellationToken stopping)
    {
        var running = new List<Task>();
        int emptyPolls = 0;
        await _queue.CreateIfNotExistsAsync(cancellationToken: stopping);
        while (!stopping.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                // Fetch again only once the in-flight count has dropped to the threshold.
                while (_settings.BatchSize + _settings.NewBatchThreshold - _inFlight.CurrentCount > _settings.NewBatchThreshold)
                {
                    await Task.WhenAny(running.Where(t => !t.IsCompleted).DefaultIfEmpty(Task.CompletedTask));
                    running.RemoveAll(t => t.IsCompleted);
                }

                messages = (await _queue.ReceiveMessagesAsync(_settings.BatchSize, Lease, stopping)).Value;
            }
            catch (RequestFailedException e)
            {
                Log.PollFailed(_logger, _name, e.Message);
                messages = [];
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }

            if (messages.Length == 0)
            {
                emptyPolls++;
                await DelayAsync(NextPollDelay(emptyPolls), stopping);
                continue;
            }

            emptyPolls = 0;
            foreach (QueueMessage message in messages)
            {
                await _inFlight.WaitAsync(stopping);
                running.Add(ProcessAsync(message, stopping));
            }

            running.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(running);
    }

    /// <summary>Randomized exponential backoff: 100 ms + rand(0.8–1.2)·2^(n−1)·100 ms, capped at maxPollingInterval.</summary>
    internal TimeSpan NextPollDelay(int emptyPolls)
    {
        double factor = 0.8 + (_random.NextDouble() * 0.4);
        double ms = MinimumPollingInterval.TotalMilliseconds + (factor * Math.Pow(2, Math.Min(emptyPolls - 1, 20)) * MinimumPollingInterval.TotalMilliseconds);
        TimeSpan delay = TimeSpan.FromMilliseconds(ms);
        return delay > _settings.MaxPollingInterval ? _settings.MaxPollingInterval : delay;
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, _clock, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stopping)
    {
        try
        {
            if (message.DequeueCount > _settings.MaxDequeueCount)
            {
                await PoisonAsync(message, stopping);
                return;
            }

            using var renewal = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var lease = new LeaseHolder(message.PopReceipt);
            Task renewing = RenewAsync(message, lease, renewal.Token);
            bool succeeded;
            try
            {
                await _invoker.InvokeAsync(_function, BuildRequest(message), $"New queue message detected on '{_name}'.", Values(message), stopping);
                succeeded = true;
            }
            catch (InvocationFailedException)
            {
                succeeded = false;
            }
            finally
            {
                await renewal.CancelAsync();
                await renewing;
            }

            if (succeeded)
            {
                await DeleteAsync(message.MessageId, lease.PopReceipt, stopping);
            }
            else if (message.DequeueCount >= _settings.MaxDequeueCount)
            {
                await PoisonAsync(message, lease.PopReceipt, stopping);
            }
            else
            {
                await _queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, visibilityTimeout: _settings.VisibilityTimeout, cancellationToken: stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>
    /// The trigger as the host's queue extension sends it: the message text (<c>TypedData.string</c>), or for
    /// SDK-type parameters (<c>supportsDeferredBinding</c>: <c>QueueMessage</c>, <c>BinaryData</c>) model
    /// binding data holding the message as JSON; the message's properties as trigger metadata.
    /// </summary>
    private InvocationRequest BuildRequest(QueueMessage message)
    {
        InvocationRequest request = FunctionInvoker.NewRequest(_function);
        TypedData data = _function.Trigger.SupportsDeferredBinding
            ? new TypedData
            {
                ModelBindingData = new ModelBindingData
                {
                    Version = "1.0",
                    Source = "AzureStorageQueues",
                    ContentType = "application/json",
                    Content = Google.Protobuf.ByteString.CopyFromUtf8(new JsonObject
                    {
                        ["MessageId"] = message.MessageId,
                        ["PopReceipt"] = message.PopReceipt,
                        ["MessageText"] = message.Body.ToString(),
                        ["DequeueCount"] = message.DequeueCount,
                        ["NextVisibleOn"] = message.NextVisibleOn?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
                        ["InsertedOn"] = message.InsertedOn?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
                        ["ExpiresOn"] = message.ExpiresOn?.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
                    }.ToJsonString()),
                },
            }
            : new TypedData { String = message.Body.ToString() };
        request.InputData.Add(new ParameterBinding { Name = _function.Trigger.Name, Data = data });
        request.TriggerMetadata["QueueTrigger"] = new TypedData { String = message.Body.ToString() };
        request.TriggerMetadata["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) };
        request.TriggerMetadata["Id"] = new TypedData { String = message.MessageId };
        request.TriggerMetadata["PopReceipt"] = new TypedData { String = message.PopReceipt };
        AddTime(request, "ExpirationTime", message.ExpiresOn);
        AddTime(request, "InsertionTime", message.InsertedOn);
        AddTime(request, "NextVisibleTime", message.NextVisibleOn);
        return request;
    }

    private static void AddTime(InvocationRequest request, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            // JSON strings, as the host serialises DateTimeOffset binding data.
            request.TriggerMetadata[name] = new TypedData { Json = "\"" + time.ToString("o", CultureInfo.InvariantCulture) + "\"" };
        }
    }

    private static Dictionary<string, string> Values(QueueMessage message) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Id"] = message.MessageId,
        ["DequeueCount"] = message.DequeueCount.ToString(CultureInfo.InvariantCulture),
        ["QueueTrigger"] = message.Body.ToString(),
    };

    private async Task RenewAsync(QueueMessage message, LeaseHolder lease, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 2, _clock, cancellationToken);
                UpdateReceipt receipt = (await _queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, visibilityTimeout: Lease, cancellationToken: cancellationToken)).Value;
                lease.PopReceipt = receipt.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RequestFailedException e)
        {
            Log.PollFailed(_logger, _name, "lease renewal failed: " + e.Message);
        }
    }

    private Task PoisonAsync(QueueMessage message, CancellationToken stopping) => PoisonAsync(message, message.PopReceipt, stopping);

    private async Task PoisonAsync(QueueMessage message, string popReceipt, CancellationToken stopping)
    {
        if (HasPoisonQueue)
        {
            await _poison.CreateIfNotExistsAsync(cancellationToken: stopping);
            await _poison.SendMessageAsync(message.Body, cancellationToken: stopping);
            Log.Poisoned(_logger, message.MessageId, _name, message.DequeueCount, _poison.Name);
        }

        await DeleteAsync(message.MessageId, popReceipt, stopping);
    }

    private async Task DeleteAsync(string id, string popReceipt, CancellationToken stopping)
    {
        try
        {
            await _queue.DeleteMessageAsync(id, popReceipt, stopping);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            // Already gone or the pop receipt moved on: the host ignores these too.
        }
    }

    private sealed class LeaseHolder(string popReceipt)
    {
        public string PopReceipt { get; set; } = popReceipt;
    }
}
