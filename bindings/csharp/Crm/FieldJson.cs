using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Crm;

/// <summary>
/// The JSON libcrm takes field definitions and patches in and describes
/// fields with (the proto3 JSON form of crm.wire.FieldDefinition and
/// crm.wire.FieldPatch, with snake_case keys). 64-bit integers are written as
/// JSON strings and read from either form, as proto3 JSON does.
/// </summary>
internal static class FieldJson
{
    // Keeps non-ASCII text as UTF-8 instead of \u escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Definition(FieldDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Write(w => WriteDefinition(w, definition));
    }

    /// <summary>
    /// A crm.wire.EventTypeDefinition: name, description and properties defined
    /// like fields; retention and hold periods when not 0.
    /// </summary>
    public static string EventType(string name, string description, IEnumerable<FieldDefinition> properties,
        int retentionDays = 0, int holdDays = 0, IReadOnlyList<string>? heldProperties = null)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return Write(w =>
        {
            w.WriteString("name", name);
            w.WriteString("description", description);
            if (retentionDays != 0) w.WriteNumber("retention_days", retentionDays);
            if (holdDays != 0) w.WriteNumber("hold_days", holdDays);
            WriteList(w, "held_properties", heldProperties);
            w.WriteStartArray("properties");
            foreach (FieldDefinition? property in properties)
            {
                if (property is null) throw new ArgumentException("'properties' must not contain null.", nameof(properties));
                w.WriteStartObject();
                WriteDefinition(w, property);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static void WriteDefinition(Utf8JsonWriter w, FieldDefinition definition)
    {
        w.WriteString("name", definition.Name);
        w.WriteString("type", definition.Type.ToName());
        WriteCommon(w, definition.Label, definition.Description, definition.Group, definition.Required,
            definition.Unique, definition.Indexed, definition.Scale, definition.MaxLength, definition.Pattern);
        WriteBound(w, "min", definition.Min, clear: false, definition.Name);
        WriteBound(w, "max", definition.Max, clear: false, definition.Name);
        WriteList(w, "options", definition.Options);
        if (definition.DefaultValue is not null) WriteValue(w, "default_value", CrmValue.From(definition.DefaultValue, definition.Name));
        if (definition.HoldDays is { } hold) w.WriteNumber("hold_days", hold);
    }

    public static string Patch(FieldPatch patch, string field)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return Write(w =>
        {
            if (patch.Name is not null) w.WriteString("name", patch.Name);
            if (patch.Type is { } type) w.WriteString("type", type.ToName());
            WriteCommon(w, patch.Label, patch.Description, patch.Group, patch.Required, patch.Unique,
                patch.Indexed, patch.Scale, patch.MaxLength, patch.Pattern);
            WriteBound(w, "min", patch.Min, patch.ClearMin, field);
            WriteBound(w, "max", patch.Max, patch.ClearMax, field);
            WriteList(w, "add_options", patch.AddOptions);
            if (patch.HoldDays is { } hold) w.WriteNumber("hold_days", hold);
            if (patch.ClearDefaultValue)
            {
                w.WriteStartObject("default_value");
                w.WriteEndObject();
            }
            else if (patch.DefaultValue is not null)
            {
                WriteValue(w, "default_value", CrmValue.From(patch.DefaultValue, field));
            }
        });
    }

    public static FieldInfo ReadField(JsonElement e) => new()
    {
        Id = Int64(e, "id"),
        Name = Str(e, "name") ?? "",
        Label = Str(e, "label") ?? "",
        Description = Str(e, "description") ?? "",
        Group = Str(e, "group") ?? "",
        Type = Str(e, "type") ?? "",
        Required = Bool(e, "required"),
        Unique = Bool(e, "unique"),
        Indexed = Bool(e, "indexed"),
        Scale = checked((int)Int64(e, "scale")),
        Min = Bound(e, "min"),
        Max = Bound(e, "max"),
        MaxLength = Int64(e, "max_length"),
        Pattern = Str(e, "pattern") ?? "",
        Options = Strings(e, "options"),
        DefaultValue = e.TryGetProperty("default_value", out JsonElement v) ? ReadValue(v) : null,
        Builtin = Bool(e, "builtin"),
        ReadOnly = Bool(e, "read_only"),
        Status = Str(e, "status") ?? "",
        HoldDays = checked((int)Int64(e, "hold_days")),
    };

    public static FieldInfo ParseField(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return ReadField(document.RootElement);
    }

    public static IReadOnlyList<FieldInfo> ParseFieldList(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        var fields = new List<FieldInfo>();
        foreach (JsonElement element in document.RootElement.EnumerateArray()) fields.Add(ReadField(element));
        return fields;
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteCommon(Utf8JsonWriter w, string? label, string? description, string? group,
        bool? required, bool? unique, bool? indexed, int? scale, long? maxLength, string? pattern)
    {
        if (label is not null) w.WriteString("label", label);
        if (description is not null) w.WriteString("description", description);
        if (group is not null) w.WriteString("group", group);
        if (required is { } r) w.WriteBoolean("required", r);
        if (unique is { } u) w.WriteBoolean("unique", u);
        if (indexed is { } i) w.WriteBoolean("indexed", i);
        if (scale is { } s) w.WriteNumber("scale", s);
        if (maxLength is { } m) w.WriteString("max_length", m.ToString(CultureInfo.InvariantCulture));
        if (pattern is not null) w.WriteString("pattern", pattern);
    }

    /// <summary>A bound as text in the field's form; "" removes it (patches only).</summary>
    private static void WriteBound(Utf8JsonWriter w, string name, object? value, bool clear, string field)
    {
        string property = name == "min" ? "Min" : "Max";
        if (clear) w.WriteString(name, "");
        else if (value is not null) w.WriteString(name, CrmValue.BoundText(value, property, field));
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string>? items)
    {
        if (items is null) return;
        w.WriteStartArray(name);
        foreach (string item in items) w.WriteStringValue(item ?? throw new ArgumentException($"'{name}' must not contain null."));
        w.WriteEndArray();
    }

    /// <summary>A crm.wire.Value object: {"text": ..}, {"integer": ..}, ... or {} for null.</summary>
    private static void WriteValue(Utf8JsonWriter w, string name, CrmValue value)
    {
        w.WriteStartObject(name);
        string integer = value.Integer.ToString(CultureInfo.InvariantCulture);
        switch (value.Kind)
        {
            case ValueKind.Text: w.WriteString("text", value.Text); break;
            case ValueKind.Integer: w.WriteString("integer", integer); break;
            case ValueKind.Decimal: w.WriteString("decimal", value.Text); break;
            case ValueKind.Boolean: w.WriteBoolean("boolean", value.Integer != 0); break;
            case ValueKind.Date: w.WriteString("date", value.Text); break;
            case ValueKind.Datetime: w.WriteString("datetime_us", integer); break;
            case ValueKind.List:
                w.WriteStartObject("list");
                WriteList(w, "items", value.Items);
                w.WriteEndObject();
                break;
        }
        w.WriteEndObject();
    }

    private static object? ReadValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) return null;
        foreach (JsonProperty member in value.EnumerateObject())
        {
            switch (member.Name)
            {
                case "text": return member.Value.GetString();
                case "integer": return AsInt64(member.Value);
                case "decimal": return CrmValue.ParseDecimal(member.Value.GetString() ?? "0");
                case "boolean": return member.Value.GetBoolean();
                case "date": return CrmValue.ParseDate(member.Value.GetString() ?? "");
                case "datetime_us": return CrmValue.FromMicros(AsInt64(member.Value));
                case "list": return Strings(member.Value, "items");
            }
        }
        return null;
    }

    /// <summary>A bound, typed by the field's type (read before it from the same object).</summary>
    private static object? Bound(JsonElement e, string name) =>
        Str(e, name) is { } text ? CrmValue.ParseBound(Str(e, "type") ?? "", text) : null;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.True;

    private static long Int64(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) ? AsInt64(v) : 0;

    private static long AsInt64(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetInt64(),
        JsonValueKind.String => long.Parse(v.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        _ => 0,
    };

    private static IReadOnlyList<string> Strings(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out JsonElement v) || v.ValueKind != JsonValueKind.Array) return [];
        var items = new List<string>();
        foreach (JsonElement item in v.EnumerateArray()) items.Add(item.GetString() ?? "");
        return items.AsReadOnly();
    }
}
