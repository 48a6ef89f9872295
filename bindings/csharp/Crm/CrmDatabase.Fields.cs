using System.Collections.Generic;

namespace Crm;

public sealed partial class CrmDatabase
{
    /// <summary>Defines a new user-defined field.</summary>
    /// <returns>The new field's id.</returns>
    /// <exception cref="ValidationException">The name is not valid, or a rule or default value does not fit the type.</exception>
    /// <exception cref="InvalidArgumentException">libcrm could not read the definition.</exception>
    /// <exception cref="System.ArgumentException">The default value's .NET type is not supported.</exception>
    public long DefineField(FieldDefinition definition)
    {
        DbHandle handle = Handle;
        string json = FieldJson.Definition(definition);
        Errors.Check(Native.crm_field_define(out long id, handle, json));
        return id;
    }

    /// <summary>Changes a field; only what <paramref name="patch"/> sets changes.</summary>
    /// <exception cref="NotFoundException">No field has that name.</exception>
    /// <exception cref="ValidationException">A stored value does not convert to a new type without loss.</exception>
    public void UpdateField(string name, FieldPatch patch)
    {
        DbHandle handle = Handle;
        string json = FieldJson.Patch(patch, Arg(name, nameof(name)));
        Errors.Check(Native.crm_field_update(handle, name, json));
    }

    /// <summary>Archives a user-defined field: hidden from reads and refused in writes; data kept.</summary>
    /// <exception cref="NotFoundException">No field has that name.</exception>
    public void ArchiveField(string name) =>
        Errors.Check(Native.crm_field_archive(Handle, Arg(name, nameof(name))));

    /// <summary>Restores an archived field with its data.</summary>
    /// <exception cref="NotFoundException">No field has that name.</exception>
    public void RestoreField(string name) =>
        Errors.Check(Native.crm_field_restore(Handle, Arg(name, nameof(name))));

    /// <summary>Deletes a user-defined field and its values. Cannot be undone.</summary>
    /// <exception cref="NotFoundException">No field has that name.</exception>
    public void DeleteField(string name) =>
        Errors.Check(Native.crm_field_delete(Handle, Arg(name, nameof(name))));

    /// <summary>Describes one field, archived ones too.</summary>
    /// <exception cref="NotFoundException">No field has that name.</exception>
    public FieldInfo DescribeField(string name)
    {
        Errors.Check(Native.crm_field_describe(out StringHandle json, Handle, Arg(name, nameof(name))));
        using (json) return FieldJson.ParseField(json.Text());
    }

    /// <summary>
    /// Null when a field named <paramref name="name"/> is defined (active or
    /// archived), else libcrm's <see cref="NotFoundException"/> saying so.
    /// </summary>
    internal NotFoundException? FindField(string name)
    {
        int status = Native.crm_field_describe(out StringHandle json, Handle, Arg(name, nameof(name)));
        using (json)
        {
            if (status == 0) return null;
            CrmException error = Errors.FromLastError(status);
            return error as NotFoundException ?? throw error;
        }
    }

    /// <summary>All fields: standard ones first, then user-defined ones by id.</summary>
    /// <param name="includeArchived">Whether archived fields are listed too.</param>
    public IReadOnlyList<FieldInfo> ListFields(bool includeArchived = false)
    {
        int flags = includeArchived ? Native.CRM_LIST_INCLUDE_ARCHIVED : 0;
        Errors.Check(Native.crm_field_list(out StringHandle json, Handle, flags));
        using (json) return FieldJson.ParseFieldList(json.Text());
    }
}
