using System.Collections.Generic;

namespace Crm;

public sealed partial class CrmDatabase
{
    /// <summary>
    /// Creates a customer. Values are .NET objects: string, long or int,
    /// decimal, bool, DateOnly, DateTimeOffset, a sequence of strings, or null.
    /// Fields not given take their default; required fields without one must be given.
    /// </summary>
    /// <param name="values">Field values by field name.</param>
    /// <param name="actor">Who makes the change, kept with the history; null means "api".</param>
    /// <returns>The new customer's id.</returns>
    /// <exception cref="ValidationException">A value breaks a field's type or rule (see Field and Rule).</exception>
    /// <exception cref="ConstraintException">A unique value is already taken.</exception>
    /// <exception cref="System.ArgumentException">A value's .NET type is not supported.</exception>
    public long CreateCustomer(IReadOnlyDictionary<string, object?> values, string? actor = null)
    {
        DbHandle handle = Handle;
        using RecordHandle record = RecordWriter.Build(values, nameof(values));
        Errors.Check(Native.crm_customer_create(out long id, handle, record, Actor(actor)));
        return id;
    }

    /// <summary>Reads a customer with all its active fields that hold a value.</summary>
    /// <exception cref="NotFoundException">No customer has that id.</exception>
    public Customer GetCustomer(long id)
    {
        int status = Native.crm_customer_get(out RecordHandle record, Handle, id);
        return Read(status, record);
    }

    /// <summary>Reads the customer with that email; the comparison ignores ASCII case.</summary>
    /// <exception cref="NotFoundException">No customer has that email.</exception>
    public Customer GetCustomerByEmail(string email)
    {
        int status = Native.crm_customer_get_by_email(out RecordHandle record, Handle, Arg(email, nameof(email)));
        return Read(status, record);
    }

    /// <summary>Reads the customer with that external id.</summary>
    /// <exception cref="NotFoundException">No customer has that external id.</exception>
    public Customer GetCustomerByExternalId(string externalId)
    {
        int status = Native.crm_customer_get_by_external_id(out RecordHandle record, Handle, Arg(externalId, nameof(externalId)));
        return Read(status, record);
    }

    /// <summary>Changes only the fields in <paramref name="changes"/>; a null value clears the field.</summary>
    /// <param name="id">The customer's id.</param>
    /// <param name="changes">Field values by field name.</param>
    /// <param name="expectedVersion">When above 0, the update applies only if the customer is still at this version.</param>
    /// <param name="actor">Who makes the change; null means "api".</param>
    /// <returns>The customer's new version.</returns>
    /// <exception cref="ConflictException">The customer is no longer at <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="NotFoundException">No customer has that id.</exception>
    /// <exception cref="ValidationException">A value breaks a field's type or rule.</exception>
    public long UpdateCustomer(long id, IReadOnlyDictionary<string, object?> changes, long expectedVersion = 0, string? actor = null)
    {
        DbHandle handle = Handle;
        using RecordHandle record = RecordWriter.Build(changes, nameof(changes));
        Errors.Check(Native.crm_customer_update(out long version, handle, id, expectedVersion, record, Actor(actor)));
        return version;
    }

    /// <summary>Deletes a customer.</summary>
    /// <param name="id">The customer's id.</param>
    /// <param name="expectedVersion">When above 0, deletes only if the customer is still at this version.</param>
    /// <param name="actor">Who makes the change; null means "api".</param>
    /// <exception cref="ConflictException">The customer is no longer at <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="ConstraintException">A reference field of another customer points to it.</exception>
    /// <exception cref="NotFoundException">No customer has that id.</exception>
    public void DeleteCustomer(long id, long expectedVersion = 0, string? actor = null) =>
        Errors.Check(Native.crm_customer_delete(Handle, id, expectedVersion, Actor(actor)));

    /// <summary>Creates or updates the customer whose external_id is the one in <paramref name="values"/>.</summary>
    /// <param name="values">Field values by field name, with a non-empty "external_id".</param>
    /// <param name="actor">Who makes the change; null means "api".</param>
    /// <returns>The customer's id, and whether it was created.</returns>
    /// <exception cref="ValidationException">external_id is missing, or a value breaks a rule.</exception>
    public (long Id, bool Created) UpsertCustomer(IReadOnlyDictionary<string, object?> values, string? actor = null)
    {
        DbHandle handle = Handle;
        using RecordHandle record = RecordWriter.Build(values, nameof(values));
        Errors.Check(Native.crm_customer_upsert(out long id, out int created, handle, record, Actor(actor)));
        return (id, created != 0);
    }

    /// <summary>The number of customers in the workspace.</summary>
    public long CountCustomers()
    {
        Errors.Check(Native.crm_customer_count(out long count, Handle));
        return count;
    }

    private Customer Read(int status, RecordHandle record)
    {
        using (record)
        {
            Errors.Check(status);
            return RecordReader.ReadCustomer(record, this);
        }
    }
}
