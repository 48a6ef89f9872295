using System;
using System.Buffers;
using System.Text;

namespace Crm;

/// <summary>
/// The few Protocol Buffers encodings the binding needs, written by hand:
/// varints, zigzag sint64 and length-delimited fields.
/// </summary>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0;
    private const int WireLengthDelimited = 2;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public int Length => _buffer.WrittenCount;

    public void Clear() => _buffer.ResetWrittenCount();

    public void WriteVarint(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _buffer.Advance(n);
    }

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public void WriteTag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    /// <summary>A bool or (unsigned) varint field, written even when zero.</summary>
    public void WriteVarintField(int field, ulong value)
    {
        WriteTag(field, WireVarint);
        WriteVarint(value);
    }

    /// <summary>A sint64 field, written even when zero.</summary>
    public void WriteSInt64Field(int field, long value) => WriteVarintField(field, ZigZag(value));

    /// <summary>A string field, written even when empty.</summary>
    public void WriteStringField(int field, string value)
    {
        WriteTag(field, WireLengthDelimited);
        int length = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)length);
        Span<byte> span = _buffer.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(length);
    }

    /// <summary>An embedded message field holding what <paramref name="message"/> wrote.</summary>
    public void WriteMessageField(int field, ProtoWriter message)
    {
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)message.Length);
        _buffer.Write(message.WrittenSpan);
    }
}
