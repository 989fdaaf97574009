using System.Globalization;
using System.Text.Json.Nodes;
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
        var options = new QueueClientOptions { MessageEncoding = settings.Base64Encoding ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None };
        _queue = new QueueClient(connection, _name, options);
        _poison = new QueueClient(connection, _name + "-poison", options);
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
                await _invoker.InvokeAsync(_function, BuildEnvelope(message), $"New queue message detected on '{_name}'.", Values(message), stopping);
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

    private Envelope BuildEnvelope(QueueMessage message)
    {
        string body = message.Body.ToString();
        var envelope = new Envelope().AddString(_function.Trigger.Name, body);
        envelope.AddMetadata("DequeueCount", message.DequeueCount)
            .AddMetadata("ExpirationTime", message.ExpiresOn?.ToString("o", CultureInfo.InvariantCulture))
            .AddMetadata("Id", message.MessageId)
            .AddMetadata("InsertionTime", message.InsertedOn?.ToString("o", CultureInfo.InvariantCulture))
            .AddMetadata("NextVisibleTime", message.NextVisibleOn?.ToString("o", CultureInfo.InvariantCulture))
            .AddMetadata("PopReceipt", message.PopReceipt);
        return envelope;
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
