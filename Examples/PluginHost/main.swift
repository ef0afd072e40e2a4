print("PluginHost")
