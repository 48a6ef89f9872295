"""Tests of the libcrm Python binding (unittest only).

The library under test is the one named by the environment variable
CRM_LIBRARY (e.g. CRM_LIBRARY=build/libcrm.so); without it the binding's
normal search applies (a copy in crm/_lib, then the system library path).
"""
