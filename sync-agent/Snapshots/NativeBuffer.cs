using System.Runtime.InteropServices;

namespace Edge.SyncAgent.Snapshots;

/// <summary>
/// Growable bytes in native memory. Snapshot bodies grow with the meet (a big roster is megabytes), while the
/// agent's managed heap is kept small by a hard limit; a buffer is freed as soon as its snapshot is published,
/// and large ones go straight back to the system.
/// </summary>
internal sealed unsafe class NativeBuffer : IDisposable
{
    private byte* _data;
    private int _capacity;

    public NativeBuffer(int capacity)
    {
        _capacity = Math.Max(capacity, 256);
        _data = (byte*)NativeMemory.Alloc((nuint)_capacity);
    }

    public int Length { get; private set; }

    /// <summary>The bytes written so far; valid until the next write or <see cref="Dispose"/>.</summary>
    public Span<byte> Written => _data is null ? throw new ObjectDisposedException(nameof(NativeBuffer)) : new(_data, Length);

    /// <summary>Room for at least <paramref name="size"/> more bytes.</summary>
    private Span<byte> Free(int size)
    {
        ObjectDisposedException.ThrowIf(_data is null, this);
        if (size > _capacity - Length)
        {
            var wanted = (long)Length + size;
            var grown = Math.Max(wanted, Math.Min((long)_capacity * 2, Array.MaxLength));
            if (grown > Array.MaxLength)
            {
                throw new InsufficientMemoryException($"a buffer of {wanted} bytes");
            }

            _data = (byte*)NativeMemory.Realloc(_data, (nuint)grown);
            _capacity = (int)grown;
        }

        return new(_data + Length, _capacity - Length);
    }

    /// <summary>Counts <paramref name="count"/> bytes of the room as written (headroom left for a later in-place write).</summary>
    public void Advance(int count)
    {
        if (count < 0 || count > _capacity - Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        Length += count;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Free(bytes.Length));
        Length += bytes.Length;
    }

    /// <summary>Keeps the first <paramref name="length"/> bytes (after an in-place rewrite).</summary>
    public void Truncate(int length)
    {
        if (length < 0 || length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        Length = length;
    }

    public void Dispose()
    {
        NativeMemory.Free(_data);
        _data = null;
        _capacity = 0;
        Length = 0;
    }
}
