print("swasm")
