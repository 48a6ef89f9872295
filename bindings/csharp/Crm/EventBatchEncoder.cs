using System;
using System.Collections.Generic;

namespace Crm;

/// <summary>Encodes events as one crm.wire.EventBatch message (crm/crm.proto).</summary>
internal static class EventBatchEncoder
{
    /// <summary>The encoded batch and its event count.</summary>
    /// <param name="events">The events.</param>
    /// <param name="parameter">The caller's parameter the events came from, named by exceptions.</param>
    /// <exception cref="ArgumentException">An event is null, or a property value's type is not supported.</exception>
    public static (byte[] Bytes, int Events) Encode(IEnumerable<EventInput> events, string parameter = "events")
    {
        ArgumentNullException.ThrowIfNull(events, parameter);
        var batch = new ProtoWriter();
        var input = new ProtoWriter();
        var property = new ProtoWriter();
        var value = new ProtoWriter();
        var list = new ProtoWriter();
        int count = 0;

        foreach (EventInput? e in events)
        {
            if (e is null) throw new ArgumentException($"Event {count} is null.", parameter);
            input.Clear();
            // int64 is a plain varint: a negative id takes ten bytes, as in protobuf.
            if (e.CustomerId != 0) input.WriteVarintField(Wire.EventInput.CustomerId, unchecked((ulong)e.CustomerId));
            WriteText(input, Wire.EventInput.Type, e.Type, "Type");
            WriteText(input, Wire.EventInput.Channel, e.Channel, "Channel");
            WriteText(input, Wire.EventInput.Actor, e.Actor, "Actor");
            WriteText(input, Wire.EventInput.Source, e.Source, "Source");
            // optional sint64: presence matters, so a given 0 (1970-01-01) is written too.
            if (e.OccurredAt is { } occurred) input.WriteSInt64Field(Wire.EventInput.OccurredAtUs, CrmValue.ToMicros(occurred));
            WriteText(input, Wire.EventInput.IdempotencyKey, e.IdempotencyKey, "IdempotencyKey");
            if (e.Properties is { } properties)
            {
                foreach (var (name, item) in properties)
                {
                    property.Clear();
                    property.WriteStringField(Wire.Property.Name, CrmValue.CheckName(name, parameter));
                    value.Clear();
                    BatchEncoder.WriteValue(value, list, CrmValue.From(item, name));
                    property.WriteMessageField(Wire.Property.Value, value);
                    input.WriteMessageField(Wire.EventInput.Properties, property);
                }
            }
            batch.WriteMessageField(Wire.EventBatch.Events, input);
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
