using System;
using System.Collections.Generic;

namespace Crm;

/// <summary>Encodes events as one crm.wire.EventBatch message (crm/crm.proto).</summary>
internal static class EventBatchEncoder
{
    // crm.wire.EventBatch
    private const int BatchEvents = 1;
    // crm.wire.EventInput
    private const int InputCustomerId = 1, InputType = 2, InputChannel = 3, InputActor = 4, InputSource = 5,
        InputOccurredAt = 6, InputIdempotencyKey = 7, InputProperties = 8;
    // crm.wire.Property
    private const int PropertyName = 1, PropertyValue = 2;

    /// <summary>The encoded batch and its event count.</summary>
    /// <exception cref="ArgumentException">An event is null, or a property value's type is not supported.</exception>
    public static (byte[] Bytes, int Events) Encode(IEnumerable<EventInput> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var batch = new ProtoWriter();
        var input = new ProtoWriter();
        var property = new ProtoWriter();
        var value = new ProtoWriter();
        var list = new ProtoWriter();
        int count = 0;

        foreach (EventInput? e in events)
        {
            if (e is null) throw new ArgumentException($"Event {count} is null.", nameof(events));
            input.Clear();
            // int64 is a plain varint: a negative id takes ten bytes, as in protobuf.
            if (e.CustomerId != 0) input.WriteVarintField(InputCustomerId, unchecked((ulong)e.CustomerId));
            WriteText(input, InputType, e.Type, "Type");
            WriteText(input, InputChannel, e.Channel, "Channel");
            WriteText(input, InputActor, e.Actor, "Actor");
            WriteText(input, InputSource, e.Source, "Source");
            // optional sint64: presence matters, so a given 0 (1970-01-01) is written too.
            if (e.OccurredAt is { } occurred) input.WriteSInt64Field(InputOccurredAt, CrmValue.ToMicros(occurred));
            WriteText(input, InputIdempotencyKey, e.IdempotencyKey, "IdempotencyKey");
            if (e.Properties is { } properties)
            {
                foreach (var (name, item) in properties)
                {
                    property.Clear();
                    property.WriteStringField(PropertyName, CrmValue.CheckName(name, nameof(events)));
                    value.Clear();
                    BatchEncoder.WriteValue(value, list, CrmValue.From(item, name));
                    property.WriteMessageField(PropertyValue, value);
                    input.WriteMessageField(InputProperties, property);
                }
            }
            batch.WriteMessageField(BatchEvents, input);
            count++;
        }
        return (batch.WrittenSpan.ToArray(), count);
    }

    // proto3 strings without presence: "" and absent mean the same, so only non-empty ones are written.
    private static void WriteText(ProtoWriter writer, int field, string? text, string what)
    {
        if (!string.IsNullOrEmpty(text)) writer.WriteStringField(field, CrmValue.CheckText(text, what));
    }
}
