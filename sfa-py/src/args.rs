//! The arguments of native methods, and the errors that name which one is wrong and
//! why (never its value: values are customers' data).

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::envelope::{Failure, invalid_argument};

/// One argument of a native method, read into the core's type `T`: a Python value as
/// the package's `encode` makes it (`str`, `int`, `bool`, `None`, `float`, lists and
/// `dict`s with `str` keys; records through their generated `_json`), read without a
/// round trip through JSON text. An error names `name` (and the field inside it).
pub(crate) fn arg<T: DeserializeOwned>(value: &Bound<'_, PyAny>, name: &str) -> Result<T, Failure> {
    let value = json_of(value, &|| name.to_owned())?;
    // The parser's message quotes the value: name the field (inside a record too) and
    // the expected shape only (values are customers' data).
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            invalid_argument(
                name,
                &format!("is not a {}", shape_of(std::any::type_name::<T>())),
            )
        } else {
            invalid_argument(&format!("{name}.{path}"), "has the wrong shape")
        }
    })
}

/// A type's name as a caller understands it: `sfa_core::model::deal::DealInput` is a
/// `DealInput`, `core::option::Option<alloc::string::String>` an `Option<String>`.
fn shape_of(type_name: &str) -> String {
    let mut out = String::with_capacity(type_name.len());
    let mut word = String::new();
    for c in type_name.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or(&word));
            word.clear();
            if c != ' ' {
                out.push(c);
            }
        }
    }
    out
}

/// The JSON object of a `dict` inside `parent` (a function naming it, called only for an
/// error: "" at the top, then `input`, `input.lines`, ...).
fn object_of(
    dict: &Bound<'_, PyDict>,
    parent: &dyn Fn() -> String,
) -> Result<Map<String, Value>, Failure> {
    let mut map = Map::with_capacity(dict.len());
    for (key, value) in dict.iter() {
        let name: String = key.extract().map_err(|_| {
            let at = parent();
            invalid_argument(
                if at.is_empty() { "args" } else { &at },
                "has a name that is not text",
            )
        })?;
        let field = || {
            let at = parent();
            if at.is_empty() {
                name.clone()
            } else {
                format!("{at}.{name}")
            }
        };
        let value = json_of(&value, &field)?;
        map.insert(name, value);
    }
    Ok(map)
}

/// The JSON value of a Python value `encode` made; `field` names it for an error.
fn json_of(value: &Bound<'_, PyAny>, field: &dyn Fn() -> String) -> Result<Value, Failure> {
    if let Ok(text) = value.cast::<PyString>() {
        let text = text
            .to_cow()
            .map_err(|_| invalid_argument(&field(), "is not valid text"))?;
        return Ok(Value::String(text.into_owned()));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    // `bool` before `int`: a bool is an int in Python.
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(n) = value.extract::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(n) = value.extract::<u64>() {
            return Ok(Value::from(n));
        }
        return Err(invalid_argument(&field(), "is a number too large"));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid_argument(&field(), "is not a finite number"));
    }
    if let Ok(list) = value.cast::<PyList>() {
        return list.iter().map(|v| json_of(&v, field)).collect();
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return tuple.iter().map(|v| json_of(&v, field)).collect();
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        return object_of(dict, field).map(Value::Object);
    }
    Err(invalid_argument(
        &field(),
        "is not a value the library takes",
    ))
}
