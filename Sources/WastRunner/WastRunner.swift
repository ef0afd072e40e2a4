import Swasm
import SwasmText
