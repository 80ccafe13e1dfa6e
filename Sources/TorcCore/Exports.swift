// JSONObject is an OrderedDictionary; every module that works with documents
// needs its members, so TorcCore re-exports the module that defines it.
@_exported import OrderedCollections
