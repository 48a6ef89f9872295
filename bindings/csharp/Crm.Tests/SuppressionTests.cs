namespace Crm.Tests;

public class SuppressionTests
{
    [Fact]
    public void SuppressCheckUnsuppressAndCount()
    {
        using var db = TestWorkspace.OpenEmpty();
        Assert.Equal(0, db.CountSuppressed());
        db.Suppress(email: " Ada@Example.com ", phone: "+47 (22) 33-44-55");
        Assert.True(db.IsSuppressed(email: "ada@example.com"));
        Assert.True(db.IsSuppressed(phone: "+4722334455"));
        Assert.False(db.IsSuppressed(email: "bob@example.com"));
        Assert.Equal(2, db.CountSuppressed());
        db.Unsuppress(email: "ADA@example.com");
        Assert.False(db.IsSuppressed(email: "ada@example.com"));
        Assert.Throws<NotFoundException>(() => db.Unsuppress(email: "ada@example.com"));
        Assert.Throws<ArgumentException>(() => db.Suppress());
        var e = Assert.Throws<InvalidArgumentException>(() => db.Suppress(phone: "no digits"));
        Assert.Equal("phone", e.Rule);
    }

    [Fact]
    public void WritesOfASuppressedPersonAreRefused()
    {
        using var db = TestWorkspace.OpenEmpty();
        db.Suppress(email: "ada@example.com");
        var e = Assert.Throws<ConstraintException>(() =>
            db.CreateCustomer(TestWorkspace.Row(("name", "Ada"), ("email", "Ada@Example.com"))));
        Assert.Equal("email", e.Field);
        Assert.Equal("suppressed", e.Rule);
        var batch = Assert.Throws<BatchException>(() => db.InsertMany([
            TestWorkspace.Row(("name", "C"), ("email", "c@example.com")),
            TestWorkspace.Row(("name", "A"), ("email", "ADA@EXAMPLE.COM"))]));
        BatchRowResult row = Assert.Single(batch.RejectedRows);
        Assert.Equal(1, row.Row);
        Assert.Equal("suppressed", row.Rule);
        Assert.Equal(0, db.CountCustomers());
    }
}
