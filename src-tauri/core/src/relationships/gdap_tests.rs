//! GDAP: roles, templates, groups, assignments, auto-extend, pre-flight (decision 0045).
