"""Words for example passphrases: 680 short, common, neutral English words.

Written for greyrock rather than taken from a dictionary, so that a random pick never gives
a word that could frighten or hurt the reader (nothing about violence, bodies or loss).
Each word adds about 9.4 bits; four words chosen with `secrets` give about 37 bits, which
under the case's Argon2 key derivation takes an attacker with the file far too long to try.
"""

from __future__ import annotations

__all__ = ["WORDS"]

WORDS: tuple[str, ...] = tuple("""
    abacus accordion acorn almond alpaca amber anchor anemone antler anvil apple apricot apron aqua
    arch armadillo arrow artichoke aspen atlas attic autumn avenue avocado badge bagel bagpipe
    bakery balcony ballet balloon bamboo banana bandana banjo barley barn barrel basil basket bayou
    beacon bean beanie beaver bedrock beech beehive beetle bell bench beret berry bicycle birch
    biscuit bison blanket blender blimp blossom bluebell blueberry boat bobcat bonfire bonnet
    bookcase bottle boulder bouquet bowl bracelet bramble branch bread breadfruit breeze brick
    bridge brook broom brownie brush bubble bucket buckle buffalo bugle bundle bungalow burrow
    butter button cabin cable cactus cafe calico camel camera canary candle candy canoe canvas
    canyon capsule caramel caravan cardigan cargo carousel carpet carrot cashew castle catalog
    cauldron cedar celery cellar cello chalk chamomile chapel chariot cheddar cherry chess chestnut
    chickpea chimney chipmunk chowder cinder cinnamon circus citrus clam clarinet clay clementine
    cliff cloak clock clover cobalt cobbler cocoa coconut collar comb comet compass condor cookie
    copper coral cork cornbread cottage cotton cougar cowboy crab cradle cranberry crane crayon
    creek crescent cricket crocus croissant crouton crystal cucumber cupboard cupcake curtain
    cushion cymbal cypress dahlia daisy dandelion dawn delta denim desert dew diamond dinghy dolphin
    domino donkey dove dragon dragonfly drizzle drum duckling dumpling dune eagle easel easter echo
    eclipse eggplant elbow elk elm ember emerald engine envelope falafel falcon feather fennel fern
    ferret ferry fiddle fiesta fig finch firefly fjord flamingo flannel flask fleece flint flower
    flute fondue forest forge fossil fountain fox fresco frost fudge gadget galaxy galleon garden
    garlic gazelle gecko gemstone gerbil geyser ginger gingham glacier glitter globe glove goblet
    gondola goose gourd granite granola grape grasshopper gravel griddle grove guava guitar gull
    hammock hamster harbor harp harvest haystack hazel heather hedge hedgehog helmet heron hibiscus
    hickory hiker hill hippo hollow honey horizon hornet hummus husky iceberg icicle igloo indigo
    inkwell iris island ivory jacket jaguar jam jasmine jelly jigsaw jukebox juniper kale kangaroo
    kayak kernel kettle keyboard kite kitten kiwi knapsack koala lace ladder ladle lagoon lamp
    lantern larch lark lasagna latch lava lavender leaf leek lemon lentil lettuce library lighthouse
    lilac lily lime limerick linden linen lizard llama lobby lobster locket lollipop loom lotus
    lullaby lumber lynx macaroni magnet magpie mallard mandolin mango mantle maple marble marigold
    marmalade marsh meadow meadowlark melon mercury meringue mesa metronome mint mirror mitten mocha
    molasses monsoon moon mosaic moss moth mountain muffin mural mushroom muslin napkin narwhal
    nectar needle nest nickel nougat nutmeg oak oar oasis oatmeal oboe ocean octopus olive omelet
    onion opal orange orbit orchard orchid ostrich otter owl oyster paddle paddock pagoda paisley
    palette palm pancake panda papaya paper parade parasol parka parrot parsley pasta pastel patio
    peach peanut pearl pebble pecan pelican pencil pendant penguin peony pepper pepperoni perch
    petal pewter pheasant piano pickle picnic pigeon pillow pine pinecone pinwheel pioneer pistachio
    pizza plaid planet platypus plum pluto pocket polka pomelo poncho pond popcorn poppy porch
    porcupine postcard potato pottery prairie pretzel prism pudding puffin pumpkin puzzle quail
    quartz quiche quill quilt quince rabbit raccoon radish raft rainbow raisin rattan raven recital
    reef reindeer relish rhubarb ribbon riddle ridge river robin rocket rooftop rope rosebud
    rosemary rowboat ruby rug saddle saffron sage sailboat salmon salsa sandal sapphire sardine
    satchel satin sauna scallop scarf scone seagull sequoia sesame shamrock shell sherbet shore
    shovel shrub sierra silo silver sketch skillet skylark sled sleigh slipper sloth snail snowflake
    sofa sorbet spaniel sparrow spatula spinach spindle spinnaker sponge spoon sprout spruce squash
    squirrel stable staple starling statue stencil stone stork straw stream strudel sugar summit
    sundial sunflower swallow swan sweater sycamore syrup tablet taco tadpole taffy tambourine
    tandem tangerine tapestry tartan teacup teapot telescope tent terrace thermos thimble thistle
    thunder thyme tiger timber toast toboggan toffee tomato topaz tortoise toucan tractor trail
    trellis trolley trombone trumpet tuba tugboat tulip tundra tunnel turnip turquoise turtle tuxedo
    twig ukulele umbrella unicorn valley vanilla vase velvet veranda vinegar vineyard violet violin
    volcano waffle wagon wallaby walnut walrus wander warbler waterfall weasel wheat whisk whistle
    wigwam willow windmill window winter wizard wombat woodpecker wren yacht yak yarn yogurt zebra
    zephyr zinnia zucchini
""".split())
