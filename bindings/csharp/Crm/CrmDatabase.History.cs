using System;
using System.Collections.Generic;

namespace Crm;

public sealed partial class CrmDatabase
{
    /// <summary>
    /// The customer as it was at <paramref name="at"/>: the fields it held then
    /// (under their current names; archived and deleted fields left out), its
    /// version then, and created_at/updated_at.
    /// </summary>
    /// <param name="id">The customer's id.</param>
    /// <param name="at">The instant (microsecond precision).</param>
    /// <exception cref="NotFoundException">The customer did not exist at that instant.</exception>
    public Customer GetCustomerAt(long id, DateTimeOffset at)
    {
        int status = Native.crm_customer_get_at(out RecordHandle record, Handle, id, CrmValue.ToMicros(at));
        return Read(status, record);
    }

    /// <summary>
    /// The intervals during which one field of a customer held each value,
    /// oldest first; stretches when the field was empty are left out. The
    /// current value's interval has <see cref="FieldInterval.To"/> null.
    /// </summary>
    /// <param name="customerId">The customer's id.</param>
    /// <param name="field">The field's (current) name.</param>
    /// <exception cref="NotFoundException">No customer or field has that id or name.</exception>
    public IReadOnlyList<FieldInterval> FieldTimeline(long customerId, string field) =>
        FieldTimeline(customerId, field, knownAt: null);
}
