using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace System.IO.Hashing
{
    /// <summary>
    /// Base class for non-cryptographic hash algorithms: data is appended incrementally and the hash is
    /// read, optionally resetting the state. Mirrors the public contract of the framework type of the
    /// same name so that packages compiled against it bind to this assembly.
    /// </summary>
    public abstract class NonCryptographicHashAlgorithm
    {
        private const int StreamBufferSize = 4096;

        /// <summary>Initializes the algorithm with the length of the hash it produces.</summary>
        /// <param name="hashLengthInBytes">The number of bytes in the computed hash; must be positive.</param>
        protected NonCryptographicHashAlgorithm(int hashLengthInBytes)
        {
            if (hashLengthInBytes < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(hashLengthInBytes));
            }

            HashLengthInBytes = hashLengthInBytes;
        }

        /// <summary>Gets the number of bytes produced by this hash algorithm.</summary>
        public int HashLengthInBytes { get; }

        /// <summary>Appends the contents of <paramref name="source"/> to the data already processed.</summary>
        public abstract void Append(ReadOnlySpan<byte> source);

        /// <summary>Resets the hash computation to its initial state.</summary>
        public abstract void Reset();

        /// <summary>Writes the current hash to <paramref name="destination"/>, which is exactly <see cref="HashLengthInBytes"/> long.</summary>
        protected abstract void GetCurrentHashCore(Span<byte> destination);

        /// <summary>Writes the current hash and then resets the state.</summary>
        protected virtual void GetHashAndResetCore(Span<byte> destination)
        {
            GetCurrentHashCore(destination);
            Reset();
        }

        /// <summary>Appends the contents of <paramref name="source"/> to the data already processed.</summary>
        public void Append(byte[] source)
        {
            if (source is null)
            {
                throw new ArgumentNullException(nameof(source));
            }

            Append(new ReadOnlySpan<byte>(source));
        }

        /// <summary>Appends the contents of <paramref name="stream"/>, read to its end.</summary>
        public void Append(Stream stream)
        {
            if (stream is null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            byte[] buffer = ArrayPool<byte>.Shared.Rent(StreamBufferSize);
            try
            {
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    Append(new ReadOnlySpan<byte>(buffer, 0, read));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>Asynchronously appends the contents of <paramref name="stream"/>, read to its end.</summary>
        public Task AppendAsync(Stream stream, CancellationToken cancellationToken = default)
        {
            if (stream is null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            return AppendCoreAsync(stream, cancellationToken);
        }

        private async Task AppendCoreAsync(Stream stream, CancellationToken cancellationToken)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(StreamBufferSize);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    Append(new ReadOnlySpan<byte>(buffer, 0, read));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>Gets the current hash without resetting the state.</summary>
        public byte[] GetCurrentHash()
        {
            byte[] result = new byte[HashLengthInBytes];
            GetCurrentHashCore(result);
            return result;
        }

        /// <summary>Tries to write the current hash to <paramref name="destination"/>.</summary>
        public bool TryGetCurrentHash(Span<byte> destination, out int bytesWritten)
        {
            if (destination.Length < HashLengthInBytes)
            {
                bytesWritten = 0;
                return false;
            }

            GetCurrentHashCore(destination.Slice(0, HashLengthInBytes));
            bytesWritten = HashLengthInBytes;
            return true;
        }

        /// <summary>Writes the current hash to <paramref name="destination"/> and returns the number of bytes written.</summary>
        public int GetCurrentHash(Span<byte> destination)
        {
            if (destination.Length < HashLengthInBytes)
            {
                throw new ArgumentException("Destination is too short.", nameof(destination));
            }

            GetCurrentHashCore(destination.Slice(0, HashLengthInBytes));
            return HashLengthInBytes;
        }

        /// <summary>Gets the current hash and resets the state.</summary>
        public byte[] GetHashAndReset()
        {
            byte[] result = new byte[HashLengthInBytes];
            GetHashAndResetCore(result);
            return result;
        }

        /// <summary>Tries to write the current hash to <paramref name="destination"/> and reset the state.</summary>
        public bool TryGetHashAndReset(Span<byte> destination, out int bytesWritten)
        {
            if (destination.Length < HashLengthInBytes)
            {
                bytesWritten = 0;
                return false;
            }

            GetHashAndResetCore(destination.Slice(0, HashLengthInBytes));
            bytesWritten = HashLengthInBytes;
            return true;
        }

        /// <summary>Writes the current hash to <paramref name="destination"/>, resets the state, and returns the number of bytes written.</summary>
        public int GetHashAndReset(Span<byte> destination)
        {
            if (destination.Length < HashLengthInBytes)
            {
                throw new ArgumentException("Destination is too short.", nameof(destination));
            }

            GetHashAndResetCore(destination.Slice(0, HashLengthInBytes));
            return HashLengthInBytes;
        }

        /// <summary>Not supported: a hash algorithm instance has no stable hash code.</summary>
        public override int GetHashCode() => throw new NotSupportedException("Use GetCurrentHash() to retrieve the computed hash code.");
    }
}
